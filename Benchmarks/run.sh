#!/usr/bin/env bash
# `make bench`: measures our qvd-vma with the shared harness (../shared/tools/vma_bench.py)
# against the issue-3 targets, with nginx serving the same two replies as the baseline of the
# same run. See Benchmarks/README.md. Exits 1 when a target fails, 2 when the run itself fails.
#
# Environment: QVD_VMA (binary, default .build/release/qvd-vma), VMA_BENCH (harness path),
# BENCH_ARGS (extra bench.py options, e.g. "--seconds 5 --keep").
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
vma=${QVD_VMA:-$repo/.build/release/qvd-vma}
harness=${VMA_BENCH:-$repo/../shared/tools/vma_bench.py}

if [ ! -f "$harness" ]; then
    echo "bench: the harness $harness is missing; set VMA_BENCH to vma_bench.py" >&2
    exit 2
fi
command -v python3 >/dev/null || { echo "bench: python3 is missing (apt-get install python3)" >&2; exit 2; }

# The baseline: nginx from Debian, run by bench.py with its own config and prefix. Installing
# never starts a second server of ours; the system service (if the package starts one) is left alone.
nginx=$(command -v nginx || true)
[ -z "$nginx" ] && [ -x /usr/sbin/nginx ] && nginx=/usr/sbin/nginx
if [ -z "$nginx" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "bench: nginx is missing and I am not root: run 'apt-get install nginx-light' as root" >&2
        exit 2
    fi
    echo "bench: installing nginx-light (the same-run baseline)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null; }
    nginx=/usr/sbin/nginx
fi

if [ ! -x "$vma" ]; then
    echo "bench: $vma is missing: building it as make release does (scripts/release-build.sh)"
    bash scripts/release-build.sh --product qvd-vma
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "bench: not root: the x_start -> listening figure will be skipped (it provisions a throw-away user)"
fi

# The agent (issue 3), then the client path (issue 4, Benchmarks/client/), then the slave
# channel (issue 5, Benchmarks/slave/) when present; the worst exit status wins.
status=0
# shellcheck disable=SC2086  # BENCH_ARGS is a list of options
python3 "$repo/Benchmarks/bench.py" --vma "$vma" --harness "$harness" --nginx "$nginx" \
    --results "$repo/Benchmarks/results" ${BENCH_ARGS:-} || status=$?
for extra in client/run-client.sh slave/run-slave.sh; do
    [ -f "$repo/Benchmarks/$extra" ] || continue
    echo
    bash "$repo/Benchmarks/$extra" || { rc=$?; [ $rc -gt $status ] && status=$rc; }
done
exit $status
