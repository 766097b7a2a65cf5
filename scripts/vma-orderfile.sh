#!/bin/bash
# Regenerates packaging/qvd-vma.order, the linker symbol-ordering file of qvd-vma's release
# build (scripts/release-build.sh). Needs valgrind (apt-get install valgrind).
#
# Why: most of qvd-vma's idle RSS is pages of its own executable, and the kernel maps file
# pages in 64 KiB "fault-around" windows: one function that runs pulls in its whole window.
# Linking the functions that really run (start-up, the RPC request path) next to each other
# makes those windows hold code that runs, so fewer pages are mapped, and in a cold VM fewer
# are read from disk. Nothing is unmapped or discarded at run time.
#
# How: run the release qvd-vma under callgrind, which records every function executed, through
# start-up and 500 RPC requests (the benchmark's mix), then list those functions. Functions of
# the prebuilt Swift runtime archives without per-function sections keep their place (lld
# ignores names it cannot move). A stale order file only costs memory, never correctness.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/qvd-vma}
out=${2:-packaging/qvd-vma.order}
command -v valgrind >/dev/null || { echo "vma-orderfile: valgrind is needed: apt-get install valgrind" >&2; exit 1; }
work=$(mktemp -d /tmp/qvd-order-XXXXXX)
trap 'kill "$vpid" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/run" "$work/log"
cp "$bin" "$work/qvd-vma" && strip --strip-debug "$work/qvd-vma"   # valgrind cannot read clang 21's DWARF
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
cat > "$work/vma.conf" <<C
path.run = $work/run
path.log = $work/log
vma.pid_file = $work/run/vma.pid
internal.vm.port.vma = $port
vma.hook.directory = $work/hooks.d
C
valgrind --tool=callgrind --demangle=no --compress-strings=no --callgrind-out-file="$work/cg.out" \
    "$work/qvd-vma" --config "$work/vma.conf" --foreground --address 127.0.0.1 >"$work/vg.log" 2>&1 &
vpid=$!
for _ in $(seq 600); do curl -s -o /dev/null "http://127.0.0.1:$port/vma/ping" && break; sleep 0.2; done
for method in ping x_state nosuch; do
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/vma/$method"; done
    for _ in $(seq 10); do curl -s -o /dev/null -o /dev/null "http://127.0.0.1:$port/vma/$method" "http://127.0.0.1:$port/vma/$method"; done
done
kill -TERM "$vpid"; wait "$vpid" || true
# Keep the functions' original address order: callers and callees of one module stay close.
grep '^fn=' "$work/cg.out" | sed 's/^fn=//' | grep -v '^0x' | sort -u > "$work/ran"
nm -n --defined-only "$bin" | awk '$2 ~ /^[tTW]$/ {print $3}' | awk 'NR==FNR {ran[$0]=1; next} ($0 in ran) && !seen[$0]++' "$work/ran" - > "$out"
echo "vma-orderfile: $(wc -l < "$out") functions ran -> $out"
