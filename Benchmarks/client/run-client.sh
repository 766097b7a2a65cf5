#!/usr/bin/env bash
# The client benchmark of issue 4 (Benchmarks/client/README.md): relay throughput against a
# direct TLS stream, qvdclient start -> nxproxy "Session started" against a suspended
# session, and qvdclient's RSS. Uses the release binaries (make release).
#
# Environment: QVD_BIN (directory of qvdclient, qvd-l7r-stub, qvd-vma; default
# .build/release), CLIENT_BENCH_ARGS (extra client_bench.py options, e.g. "--mib 64 --runs 5").
# Exits 0 when the targets are met, 1 when one is missed, 2 when the run itself fails.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repo=$PWD
bin=${QVD_BIN:-$repo/.build/release}
command -v python3 >/dev/null || { echo "client-bench: python3 is missing (apt-get install python3)" >&2; exit 2; }
for program in qvdclient qvd-l7r-stub; do
    if [ ! -x "$bin/$program" ]; then
        echo "client-bench: $bin/$program is missing: run 'make release' (or set QVD_BIN)" >&2
        exit 2
    fi
done
if [ "$(id -u)" -ne 0 ]; then
    echo "client-bench: not root: the session-start figure will be skipped (the agent provisions a throw-away user)"
fi
# shellcheck disable=SC2086  # CLIENT_BENCH_ARGS is a list of options
exec python3 "$repo/Benchmarks/client/client_bench.py" --bin "$bin" --results "$repo/Benchmarks/results" ${CLIENT_BENCH_ARGS:-}
