# Sourced by the Makefile's recipes and .ci/run: puts the Swift toolchain on PATH when the
# caller's environment (CI, sudo) does not have it. This machine kind ships it in /opt/swift.
if ! command -v swift >/dev/null 2>&1; then
    for d in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
        if [ -x "$d/swift" ]; then PATH="$PATH:$d"; export PATH; break; fi
    done
fi
if ! command -v swift >/dev/null 2>&1; then
    echo "No Swift toolchain found: install Swift 6.1 or newer (swift.org) and put it on PATH." >&2
    exit 1
fi
