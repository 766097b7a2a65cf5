#!/bin/sh
# Prints the Debian version of the packages, derived from the one place the toolkit's
# version is written: QVDVersion.string in Core/Support/QVDVersion.swift.
#   packaging/version.sh            0.1.0-1   (Debian version)
#   packaging/version.sh --upstream 0.1.0     (what every program's --version prints)
# DEB_REVISION (default 1) is the Debian revision. A '-' in the upstream version (e.g.
# 0.2.0-beta.1) becomes '~', so that pre-releases sort before the release in dpkg.
set -eu
here=$(dirname "$0")
source_file="$here/../Core/Support/QVDVersion.swift"
upstream=$(sed -n 's/^[[:space:]]*public static let string = "\([^"]*\)".*/\1/p' "$source_file")
if [ -z "$upstream" ]; then
    echo "version.sh: no 'public static let string = \"...\"' in $source_file" >&2
    exit 1
fi
case "$upstream" in
    [0-9]*) ;;
    *) echo "version.sh: version '$upstream' in $source_file must start with a digit (Debian policy 5.6.12)" >&2; exit 1 ;;
esac
if [ "${1:-}" = "--upstream" ]; then
    echo "$upstream"
else
    echo "$(printf '%s' "$upstream" | tr '-' '~')-${DEB_REVISION:-1}"
fi
