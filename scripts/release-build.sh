#!/bin/bash
# Release build of every program (`make release`), shaped for the VM image:
# - the Swift runtime and FoundationEssentials linked statically: no Swift runtime needed
#   in the image (ldd: libc, libm, libstdc++, libgcc_s);
# - linked with lld: packed relative relocations (-z pack-relative-relocs, glibc >= 2.36 as
#   in Debian 12) instead of 1.4 MB of RELA records the loader reads at every start, no
#   exported dynamic symbol table (nothing dlopens into these programs), and qvd-vma's
#   start-up and request-path functions placed together (packaging/qvd-vma.order, made by
#   scripts/vma-orderfile.py) so they share pages. Together these took qvd-vma's idle RSS
#   from 24 to under 15 MiB (Benchmarks/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-swift.sh
lld="$(dirname "$(readlink -f "$(command -v swift)")")/ld.lld"
[ -x "$lld" ] || { echo "release-build: $lld not found (the Swift toolchain ships ld.lld)" >&2; exit 1; }
mkdir -p .build
cat > .build/release-toolset.json <<JSON
{ "schemaVersion": "1.0",
  "linker": { "path": "$lld",
              "extraCLIOptions": ["-z", "pack-relative-relocs", "--no-export-dynamic",
                                  "--symbol-ordering-file=$PWD/packaging/qvd-vma.order",
                                  "--no-warn-symbol-ordering"] } }
JSON
exec swift build -c release --static-swift-stdlib --toolset .build/release-toolset.json -j "${JOBS:-$(nproc)}" "$@"
