#!/usr/bin/env bash
# Runs the shared vma-diff kit (the real upstream VMA's 75 recorded steps) against our
# qvd-vma and fails on any difference not documented in docs/upstream-differences.md.
# Needs root (the kit creates a test user and a mount namespace). Part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/qvd-vma}
kit=""
for candidate in ../shared/tools/vma-diff "${QVD_SHARED:-/nonexistent}/tools/vma-diff"; do
    if [ -x "$candidate/run.sh" ]; then kit=$(cd "$candidate" && pwd -P); break; fi
done
if [ -z "$kit" ]; then
    echo "vma-diff: the shared vma-diff kit is not beside this checkout (../shared/tools/vma-diff); set QVD_SHARED to the shared folder" >&2
    exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "vma-diff: needs root (it creates a test user and a private mount namespace); skipped" >&2
    exit 0
fi
root=${VMA_DIFF_ROOT_DIR:-/srv/qvd-oracle}
bin=$(readlink -f "$bin")
echo "vma-diff: replaying the upstream VMA's 75 recorded steps against $bin (takes 2-4 minutes)"
set +e
"$kit/run.sh" --root "$root" --timeout 600 -- "$bin" --config '{CONF}' --foreground --address 127.0.0.1
status=$?
set -e
if [ $status -eq 2 ]; then
    echo "vma-diff: the run itself failed (see $root/out/driver.log and $root/out/vma.console.log)" >&2
    exit 1
fi
python3 scripts/vma_diff_check.py --kit "$kit" --reference "$kit/../../spec/transcripts/vma/transcript.norm.txt" \
    --candidate "$root/out/transcript.norm.txt" --docs docs/upstream-differences.md
