#!/usr/bin/env bash
# Builds the Debian packages qvd-vma and qvd-client from the release binaries, with
# dpkg-deb only (no network, no debhelper, no source package).
#
#   packaging/build-deb.sh [BIN_DIR [OUT_DIR]]
#
# BIN_DIR defaults to .build/release (what `make release` builds), OUT_DIR to .build/deb.
# Prints the paths of the two .deb files last. The version comes from
# Core/Support/QVDVersion.swift through packaging/version.sh. Environment:
#   DEB_REVISION      Debian revision (default 1)
#   DEB_MAINTAINER    Maintainer field (default below)
#   DEB_COMPRESS      dpkg-deb compression: xz (default, smallest) or gzip (faster)
#   SOURCE_DATE_EPOCH timestamps of the changelog and man pages (default: the last
#                     commit's time), so two builds of one commit give the same files.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bin=$(cd "${1:-$root/.build/release}" && pwd)
out=${2:-$root/.build/deb}
maintainer=${DEB_MAINTAINER:-qvd-swift maintainers <qvd-swift@users.noreply.github.com>}

say() { echo "build-deb: $*"; }
fail() { echo "build-deb: $*" >&2; exit 1; }

for tool in dpkg-deb python3 gzip strip; do
    command -v "$tool" >/dev/null || fail "needs $tool (apt-get install dpkg-dev python3 gzip binutils)"
done
# util-linux is Essential; its versioned dependency documents that setpriv (which runs
# hooks' children and the session as the user) must be there, without a lintian error.
programs_vma=(qvd-vma qvd-vma-slaveserver)
programs_client=(qvdclient qvd-client-slaveserver qvd-slaveclient)
for program in "${programs_vma[@]}" "${programs_client[@]}"; do
    [ -x "$bin/$program" ] || fail "no $bin/$program: run 'make release' first"
done

upstream=$("$here/version.sh" --upstream)
version=$("$here/version.sh")
arch=$(dpkg --print-architecture)
built=$("$bin/qvd-vma" --version)
[ "$built" = "$upstream" ] || fail "$bin/qvd-vma --version says '$built' but Core/Support/QVDVersion.swift says '$upstream': rebuild with 'make release'"
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH=$(git -C "$root" log -1 --format=%ct 2>/dev/null || stat -c %Y "$root/Core/Support/QVDVersion.swift")
fi
export SOURCE_DATE_EPOCH
changelog_date=$(LC_ALL=C date -u -R -d "@$SOURCE_DATE_EPOCH")
man_date=$(date -u +%Y-%m-%d -d "@$SOURCE_DATE_EPOCH")

say "version $version ($arch), binaries from $bin"
rm -rf "$out/stage"
mkdir -p "$out"

# The shared libraries the binaries link (libc, libstdc++, libgcc; the Swift runtime is
# static), as dpkg-shlibdeps computes them; a fixed list where dpkg-dev is missing.
shlib_depends() {
    local work
    work=$(mktemp -d)
    mkdir -p "$work/debian"
    printf 'Source: qvd-swift\n\nPackage: qvd-swift\nArchitecture: any\n' > "$work/debian/control"
    local result
    if result=$(cd "$work" && dpkg-shlibdeps -O "$@" 2>/dev/null); then
        # The release build packs relocations (DT_RELR, scripts/release-build.sh), which
        # glibc loads from 2.36 on; dpkg-shlibdeps does not count that symbol version.
        echo "${result#shlibs:Depends=}" | sed -E 's/libc6 \(>= 2\.(3[0-5]|[12][0-9])\)/libc6 (>= 2.36)/'
    else
        echo "libc6 (>= 2.36), libgcc-s1 (>= 3.0), libstdc++6 (>= 5)"
    fi
    rm -rf "$work"
}

# Copies a binary into the tree, stripped (the release build keeps its symbols).
install_binary() {
    local source=$1 destination=$2
    install -d -m 0755 "$(dirname "$destination")"
    strip --strip-unneeded --remove-section=.comment --remove-section=.note -o "$destination" "$source"
    chmod 0755 "$destination"
}

# Writes a gzip -9n man page generated from the program's argument parser.
install_manpage() {
    local tree=$1 program=$2 name=$3 section=$4 table=${5:-} extra=${6:-}
    local directory="$tree/usr/share/man/man$section"
    install -d -m 0755 "$directory"
    local arguments=("$program" "$section" --name "$name" --version "$upstream" --date "$man_date")
    [ -n "$table" ] && arguments+=(--config-table "$table")
    [ -n "$extra" ] && arguments+=("$extra")
    python3 "$here/gen-manpage.py" "${arguments[@]}" | gzip -9n > "$directory/$name.$section.gz"
    chmod 0644 "$directory/$name.$section.gz"
}

# bash and zsh completions from swift-argument-parser, for programs that have a parser.
# stdin is /dev/null (the slave servers read HTTP from it), and only output that looks
# like a completion script is kept.
install_completions() {
    local tree=$1 program=$2 name=$3
    local script
    if script=$(timeout 30 "$program" --generate-completion-script bash < /dev/null 2>/dev/null) \
        && [[ "$script" == '#!/bin/bash'* ]]; then
        install -d -m 0755 "$tree/usr/share/bash-completion/completions"
        # bash sources completions; lintian wants no #! line in them.
        printf '%s\n' "$script" | sed '1{/^#!/d}' > "$tree/usr/share/bash-completion/completions/$name"
        chmod 0644 "$tree/usr/share/bash-completion/completions/$name"
    fi
    if script=$(timeout 30 "$program" --generate-completion-script zsh < /dev/null 2>/dev/null) \
        && [[ "$script" == '#compdef'* ]]; then
        install -d -m 0755 "$tree/usr/share/zsh/vendor-completions"
        printf '%s\n' "$script" > "$tree/usr/share/zsh/vendor-completions/_$name"
        chmod 0644 "$tree/usr/share/zsh/vendor-completions/_$name"
    fi
}

install_docs() {
    local tree=$1 package=$2
    local docs="$tree/usr/share/doc/$package"
    install -d -m 0755 "$docs"
    install -m 0644 "$here/copyright" "$docs/copyright"
    sed -e "s|@VERSION@|$version|" -e "s|@UPSTREAM@|$upstream|" \
        -e "s|@MAINTAINER@|$maintainer|" -e "s|@DATE@|$changelog_date|" \
        "$here/changelog.in" | gzip -9n > "$docs/changelog.Debian.gz"
    chmod 0644 "$docs/changelog.Debian.gz"
}

install_overrides() {
    local tree=$1 package=$2
    if [ -f "$here/$package/lintian-overrides" ]; then
        install -D -m 0644 "$here/$package/lintian-overrides" "$tree/usr/share/lintian/overrides/$package"
    fi
}

# Writes DEBIAN/control from the arguments and builds the .deb.
build_package() {
    local tree=$1 package=$2 section=$3 depends=$4 description=$5
    local size
    size=$(du -sk --exclude=DEBIAN "$tree" | cut -f1)
    {
        echo "Package: $package"
        echo "Source: qvd-swift"
        echo "Version: $version"
        echo "Architecture: $arch"
        echo "Maintainer: $maintainer"
        echo "Installed-Size: $size"
        echo "Depends: $depends"
        [ -n "${suggests:-}" ] && echo "Suggests: $suggests"
        echo "Section: $section"
        echo "Priority: optional"
        echo "Homepage: https://github.com/theqvd/theqvd"
        printf 'Description: %s\n' "$description"
    } > "$tree/DEBIAN/control"
    chmod 0644 "$tree/DEBIAN/control"
    (cd "$tree" && find . -path ./DEBIAN -prune -o -type f -print0 | LC_ALL=C sort -z \
        | xargs -0 md5sum | sed 's|  \./|  |') > "$tree/DEBIAN/md5sums"
    chmod 0644 "$tree/DEBIAN/md5sums"
    # Every file's time is SOURCE_DATE_EPOCH, so the archive does not depend on the build.
    find "$tree" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
    dpkg-deb --root-owner-group "-Z${DEB_COMPRESS:-xz}" --build "$tree" "$out/${package}_${version}_${arch}.deb" >/dev/null
}

# ---------------------------------------------------------------- qvd-vma
tree="$out/stage/qvd-vma"
install -d -m 0755 "$tree/DEBIAN" "$tree/usr/sbin" "$tree/var/log/qvd" "$tree/etc/qvd/hooks/examples"
for program in "${programs_vma[@]}"; do
    install_binary "$bin/$program" "$tree/usr/lib/qvd/bin/$program"
    ln -s "../lib/qvd/bin/$program" "$tree/usr/sbin/$program"
done
install -m 0755 "$root/Agent/nxdiag/qvd-nxdiag" "$tree/usr/lib/qvd/bin/qvd-nxdiag"

python3 "$here/gen-config.py" conf "$bin/qvd-vma" > "$tree/etc/qvd/vma.conf"
chmod 0644 "$tree/etc/qvd/vma.conf"
for hook in "$root"/Hooks/examples/*; do
    case "$hook" in
        *.md) install -m 0644 "$hook" "$tree/etc/qvd/hooks/examples/" ;;
        *.conf) install -m 0644 "$hook" "$tree/etc/qvd/hooks/examples/" ;;
        *) install -m 0755 "$hook" "$tree/etc/qvd/hooks/examples/" ;;
    esac
done
install -D -m 0644 "$here/qvd-vma/qvd-vma.service" "$tree/lib/systemd/system/qvd-vma.service"

install_manpage "$tree" "$bin/qvd-vma" qvd-vma 8 "$bin/qvd-vma"
install_manpage "$tree" "$bin/qvd-vma-slaveserver" qvd-vma-slaveserver 8
# qvd-nxdiag is a script that signals its parent: never run it, use the written page.
install_manpage "$tree" "$root/Agent/nxdiag/qvd-nxdiag" qvd-nxdiag 8 "" --no-parser
install_completions "$tree" "$bin/qvd-vma" qvd-vma
install_completions "$tree" "$bin/qvd-vma-slaveserver" qvd-vma-slaveserver
install_docs "$tree" qvd-vma
install_overrides "$tree" qvd-vma

for script in postinst prerm postrm; do
    install -m 0755 "$here/qvd-vma/$script" "$tree/DEBIAN/$script"
done
(cd "$tree" && find etc -type f | sort | sed 's|^|/|') > "$tree/DEBIAN/conffiles"
chmod 0644 "$tree/DEBIAN/conffiles"

libs=$(shlib_depends -e"$tree/usr/lib/qvd/bin/qvd-vma" -e"$tree/usr/lib/qvd/bin/qvd-vma-slaveserver")
suggests="libnotify-bin, x11-utils, x11-xkb-utils, nfs-common"
build_package "$tree" qvd-vma admin \
    "$libs, nxagent, xinit, sshfs, fuse3, util-linux (>= 2.38), passwd" \
    "agent inside QVD virtual desktop machines
 qvd-vma runs inside each desktop VM of a QVD (Quality Virtual Desktop)
 installation. The QVD server drives it over HTTP on port 3030: it provisions
 the user, starts, resumes, suspends and stops the user's nxagent session, and
 runs the administrator's hooks on each event. A restart of the agent keeps the
 running session. This package also holds the VM side of the slave channel
 (shared folders) and the NX dialog helper, and example hooks in
 /etc/qvd/hooks/examples."

# ---------------------------------------------------------------- qvd-client
tree="$out/stage/qvd-client"
install -d -m 0755 "$tree/DEBIAN" "$tree/usr/bin"
for program in "${programs_client[@]}"; do
    install_binary "$bin/$program" "$tree/usr/lib/qvd/bin/$program"
done
for program in qvdclient qvd-slaveclient; do
    ln -s "../lib/qvd/bin/$program" "$tree/usr/bin/$program"
done
install_manpage "$tree" "$bin/qvdclient" qvdclient 1 "$bin/qvdclient"
install_manpage "$tree" "$bin/qvd-client-slaveserver" qvd-client-slaveserver 1
install_manpage "$tree" "$bin/qvd-slaveclient" qvd-slaveclient 1
install_completions "$tree" "$bin/qvdclient" qvdclient
install_completions "$tree" "$bin/qvd-slaveclient" qvd-slaveclient
install_docs "$tree" qvd-client
install_overrides "$tree" qvd-client

libs=$(shlib_depends -e"$tree/usr/lib/qvd/bin/qvdclient" -e"$tree/usr/lib/qvd/bin/qvd-client-slaveserver" -e"$tree/usr/lib/qvd/bin/qvd-slaveclient")
suggests=""
build_package "$tree" qvd-client net "$libs, nxproxy" \
    "client for QVD virtual desktops
 qvdclient logs in to a QVD (Quality Virtual Desktop) server, lets the user
 pick a virtual machine and shows its desktop through nxproxy. It checks the
 server's certificate against the system CAs and a pin store, and never needs
 the password on the command line. This package also holds the client side of
 the slave channel (shared folders)."

rm -rf "$out/stage"
say "built:"
echo "$out/qvd-vma_${version}_${arch}.deb"
echo "$out/qvd-client_${version}_${arch}.deb"
