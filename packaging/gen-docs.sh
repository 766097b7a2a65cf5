#!/usr/bin/env bash
# Regenerates the configuration references from the programs' tables of defaults, so the
# docs cannot drift from the code:
#   docs/vma-conf.md     from  qvd-vma --help-config
#   docs/client-conf.md  from  qvdclient --help-config
#
#   packaging/gen-docs.sh [--check] [BIN_DIR]      (BIN_DIR: default .build/release)
#
# --check writes nothing and exits 1 if a committed file differs from what the tables give.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
check=""
if [ "${1:-}" = "--check" ]; then check=yes; shift; fi
bin=${1:-$root/.build/release}
[ -x "$bin/qvd-vma" ] || { echo "gen-docs: no $bin/qvd-vma: build first ('make release')" >&2; exit 1; }

[ -x "$bin/qvdclient" ] || { echo "gen-docs: no $bin/qvdclient: build first ('make release')" >&2; exit 1; }
client_source="$bin/qvdclient"

status=0
generate() { # source output
    local generated
    generated=$(python3 "$here/gen-config.py" markdown "$1")
    if [ -n "$check" ]; then
        if ! printf '%s\n' "$generated" | cmp -s - "$2"; then
            echo "gen-docs: ${2#"$root"/} is out of date: run packaging/gen-docs.sh" >&2
            status=1
        fi
    else
        printf '%s\n' "$generated" > "$2"
        echo "gen-docs: wrote ${2#"$root"/}"
    fi
}
generate "$bin/qvd-vma" "$root/docs/vma-conf.md"
generate "$client_source" "$root/docs/client-conf.md"
exit "$status"
