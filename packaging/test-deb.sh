#!/usr/bin/env bash
# Checks the Debian packages `make deb` built (packaging/build-deb.sh):
#  1. the file lists (dpkg-deb -c): every path, mode, owner and link target, nothing more;
#  2. the control fields, conffiles and maintainer scripts (shellcheck);
#  3. the unpacked files (dpkg -x): the programs run, the man pages render without
#     warnings, the completions parse, vma.conf holds every key at its default, the unit
#     keeps the session on restart, the committed docs match the tables;
#  4. the maintainer scripts' effects: postinst with stand-in commands on PATH (group
#     present / missing / created concurrently, systemd calls), then a real install,
#     reinstall, remove and purge into a scratch root (dpkg --root
#     --force-script-chrootless, which runs the scripts with DPKG_ROOT set);
#  5. lintian: no errors, no warnings.
#
#   packaging/test-deb.sh [DEB_DIR]      (default .build/deb; built first if missing)
#
# Needs root for step 4 (dpkg --root, chown). Touches nothing outside a temporary
# directory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
debs=${1:-$root/.build/deb}
started=$(date +%s)
version=$("$here/version.sh")
upstream=$("$here/version.sh" --upstream)
arch=$(dpkg --print-architecture)
vma_deb="$debs/qvd-vma_${version}_${arch}.deb"
client_deb="$debs/qvd-client_${version}_${arch}.deb"
if [ ! -f "$vma_deb" ] || [ ! -f "$client_deb" ]; then
    echo "test-deb: no packages of version $version in $debs; building them"
    bash "$here/build-deb.sh" "$root/.build/release" "$debs"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
checks=0
failures=0
pass() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "test-deb: FAIL: $*" >&2; }
expect_equal() { # what expected actual
    if [ "$2" == "$3" ]; then pass; else fail "$1"$'\n'"--- expected"$'\n'"$2"$'\n'"--- actual"$'\n'"$3"; fi
}

# ------------------------------------------------------------------ 1. file lists
# "mode owner path [-> target]" of every entry that is not a directory, sorted.
listing() {
    dpkg-deb -c "$1" | awk '$1 !~ /^d/ {
        path = $6; sub(/^\./, "", path)
        line = $1 " " $2 " " path
        if ($7 == "->") line = line " -> " $8
        print line }' | LC_ALL=C sort
}
expect_equal "qvd-vma file list" "$(LC_ALL=C sort <<EOF
-rw-r--r-- root/root /etc/qvd/vma.conf
-rwxr-xr-x root/root /etc/qvd/hooks/examples/connect-keyboard-timezone
-rwxr-xr-x root/root /etc/qvd/hooks/examples/expire-notify
-rwxr-xr-x root/root /etc/qvd/hooks/examples/mount-home-nfs
-rw-r--r-- root/root /etc/qvd/hooks/examples/nfs-home.conf
-rw-r--r-- root/root /etc/qvd/hooks/examples/README.md
-rw-r--r-- root/root /lib/systemd/system/qvd-vma.service
-rwxr-xr-x root/root /usr/lib/qvd/bin/qvd-nxdiag
-rwxr-xr-x root/root /usr/lib/qvd/bin/qvd-vma
-rwxr-xr-x root/root /usr/lib/qvd/bin/qvd-vma-slaveserver
lrwxrwxrwx root/root /usr/sbin/qvd-vma -> ../lib/qvd/bin/qvd-vma
lrwxrwxrwx root/root /usr/sbin/qvd-vma-slaveserver -> ../lib/qvd/bin/qvd-vma-slaveserver
-rw-r--r-- root/root /usr/share/bash-completion/completions/qvd-vma
-rw-r--r-- root/root /usr/share/doc/qvd-vma/changelog.Debian.gz
-rw-r--r-- root/root /usr/share/doc/qvd-vma/copyright
-rw-r--r-- root/root /usr/share/lintian/overrides/qvd-vma
-rw-r--r-- root/root /usr/share/man/man8/qvd-nxdiag.8.gz
-rw-r--r-- root/root /usr/share/man/man8/qvd-vma-slaveserver.8.gz
-rw-r--r-- root/root /usr/share/man/man8/qvd-vma.8.gz
-rw-r--r-- root/root /usr/share/zsh/vendor-completions/_qvd-vma
EOF
)" "$(listing "$vma_deb" | grep -v -e 'completions/qvd-vma-slaveserver' -e '_qvd-vma-slaveserver')"
expect_equal "qvd-client file list" "$(LC_ALL=C sort <<EOF
-rwxr-xr-x root/root /usr/lib/qvd/bin/qvd-client-slaveserver
-rwxr-xr-x root/root /usr/lib/qvd/bin/qvd-slaveclient
-rwxr-xr-x root/root /usr/lib/qvd/bin/qvdclient
lrwxrwxrwx root/root /usr/bin/qvd-slaveclient -> ../lib/qvd/bin/qvd-slaveclient
lrwxrwxrwx root/root /usr/bin/qvdclient -> ../lib/qvd/bin/qvdclient
-rw-r--r-- root/root /usr/share/bash-completion/completions/qvdclient
-rw-r--r-- root/root /usr/share/doc/qvd-client/changelog.Debian.gz
-rw-r--r-- root/root /usr/share/doc/qvd-client/copyright
-rw-r--r-- root/root /usr/share/lintian/overrides/qvd-client
-rw-r--r-- root/root /usr/share/man/man1/qvd-client-slaveserver.1.gz
-rw-r--r-- root/root /usr/share/man/man1/qvd-slaveclient.1.gz
-rw-r--r-- root/root /usr/share/man/man1/qvdclient.1.gz
-rw-r--r-- root/root /usr/share/zsh/vendor-completions/_qvdclient
EOF
)" "$(listing "$client_deb" | grep -v -e 'completions/qvd-slaveclient' -e '_qvd-slaveclient')"
# The log directory is shipped, root-owned, 0755.
expect_equal "/var/log/qvd entry" "drwxr-xr-x root/root ./var/log/qvd/" \
    "$(dpkg-deb -c "$vma_deb" | awk '$6 == "./var/log/qvd/" { print $1, $2, $6 }')"

# ------------------------------------------------------------------ 2. control data
field() { dpkg-deb -f "$1" "$2"; }
expect_equal "qvd-vma Version" "$version" "$(field "$vma_deb" Version)"
expect_equal "qvd-client Version" "$version" "$(field "$client_deb" Version)"
vma_depends=$'\n'$(field "$vma_deb" Depends | tr ',' '\n' | sed 's/^ *//')
for dependency in nxagent xinit sshfs fuse3 'util-linux (>= 2.38)' passwd libc6; do
    if [[ "$vma_depends" == *$'\n'"$dependency"* ]]; then pass
    else fail "qvd-vma Depends lacks $dependency: $(field "$vma_deb" Depends)"; fi
done
if field "$client_deb" Depends | tr ',' '\n' | sed 's/^ *//' | grep -qx nxproxy; then pass
else fail "qvd-client Depends lacks nxproxy: $(field "$client_deb" Depends)"; fi
mkdir -p "$work/control"
dpkg-deb -e "$vma_deb" "$work/control"
expect_equal "qvd-vma conffiles" "$(printf '%s\n' /etc/qvd/hooks/examples/README.md \
    /etc/qvd/hooks/examples/connect-keyboard-timezone /etc/qvd/hooks/examples/expire-notify \
    /etc/qvd/hooks/examples/mount-home-nfs /etc/qvd/hooks/examples/nfs-home.conf /etc/qvd/vma.conf | LC_ALL=C sort)" \
    "$(LC_ALL=C sort "$work/control/conffiles")"
if command -v shellcheck >/dev/null; then
    if shellcheck "$work/control/postinst" "$work/control/prerm" "$work/control/postrm" \
        "$root/Hooks/examples/expire-notify" "$root/Hooks/examples/connect-keyboard-timezone" \
        "$root/Hooks/examples/mount-home-nfs" "$here"/*.sh; then pass; else fail "shellcheck"; fi
else
    echo "test-deb: shellcheck not installed; skipping that check"
fi
if [ -s "$work/control/md5sums" ]; then pass; else fail "qvd-vma has no md5sums"; fi

# ------------------------------------------------------------------ 3. unpacked files
tree="$work/tree"
dpkg -x "$vma_deb" "$tree"
dpkg -x "$client_deb" "$tree"
expect_equal "qvd-vma --version through /usr/sbin" "$upstream" "$("$tree/usr/sbin/qvd-vma" --version)"
if "$tree/usr/bin/qvdclient" --help | grep -q 'Connect to a QVD virtual desktop'; then pass; else fail "qvdclient --help"; fi
for page in "$tree"/usr/share/man/man*/*.gz; do
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null || true)
    if [ -z "$warnings" ]; then pass; else fail "man ${page##*/} warns: $warnings"; fi
    if gzip -dc "$page" | head -n 1 | grep -q '^\.'; then pass; else fail "${page##*/} is not a gzip'd roff page"; fi
done
man_vma=$(MANWIDTH=200 man -l "$tree/usr/share/man/man8/qvd-vma.8.gz" 2>/dev/null)
for section in NAME SYNOPSIS DESCRIPTION OPTIONS CONFIGURATION ENVIRONMENT FILES; do
    if grep -q "^$section" <<< "$man_vma"; then pass; else fail "qvd-vma(8) has no $section section"; fi
done
if grep -q 'vma.hook.timeout (integer' <<< "$man_vma"; then pass; else fail "qvd-vma(8) CONFIGURATION lacks vma.hook.timeout"; fi
if MANWIDTH=200 man -l "$tree/usr/share/man/man1/qvdclient.1.gz" 2>/dev/null | grep -q 'client.host.port (integer'; then pass
else fail "qvdclient(1) CONFIGURATION lacks client.host.port"; fi
for completion in "$tree"/usr/share/bash-completion/completions/*; do
    if bash -n "$completion" && ! head -1 "$completion" | grep -q '^#!'; then pass; else fail "bash completion ${completion##*/}"; fi
done
if command -v zsh >/dev/null; then
    for completion in "$tree"/usr/share/zsh/vendor-completions/*; do
        if zsh -n "$completion"; then pass; else fail "zsh completion ${completion##*/}"; fi
    done
fi
unit="$tree/lib/systemd/system/qvd-vma.service"
expect_equal "unit KillMode" "KillMode=process" "$(grep '^KillMode=' "$unit")"
expect_equal "unit ExecStart" "ExecStart=/usr/sbin/qvd-vma --foreground" "$(grep '^ExecStart=' "$unit")"
if command -v systemd-analyze >/dev/null && [ -d /run/systemd/system ]; then
    if systemd-analyze verify "$unit" 2>&1 | grep -v 'qvd-vma: command not found\|Command /usr/sbin/qvd-vma is not executable' | grep -q .; then
        fail "systemd-analyze verify: $(systemd-analyze verify "$unit" 2>&1)"
    else pass; fi
fi
# vma.conf: every key the agent knows, commented, at its default; uncommented, it changes
# nothing and has no errors.
conf="$tree/etc/qvd/vma.conf"
keys_in_table=$("$tree/usr/sbin/qvd-vma" --help-config | sed -n 's/^  \([^ ]*\) (.*/\1/p' | grep -v '^QVD_' | LC_ALL=C sort)
keys_in_conf=$(sed -n 's/^#\([a-z][^ =]*\) =.*/\1/p' "$conf" | LC_ALL=C sort)
expect_equal "vma.conf lists every key" "$keys_in_table" "$keys_in_conf"
if grep -v '^#' "$conf" | grep -q '[^[:space:]]'; then fail "vma.conf sets something: $(grep -v '^#' "$conf" | grep '[^[:space:]]')"; else pass; fi
sed 's/^#\([a-z][^ =]* =\)/\1/' "$conf" > "$work/uncommented.conf"
if check=$("$tree/usr/sbin/qvd-vma" --config "$work/uncommented.conf" --check-config 2>&1); then pass; else fail "--check-config of the uncommented vma.conf: $check"; fi
# --check-config prints "key = value  (where it came from)"; compare without the origin.
effective() { env -i PATH="$PATH" "$tree/usr/sbin/qvd-vma" --config "$1" --check-config 2>&1 | grep -v '^#' | sed 's/  ([^()]*)$//' || true; }
defaults=$(effective /dev/null)
from_file=$(effective "$work/uncommented.conf")
expect_equal "uncommented vma.conf gives the defaults" "$defaults" "$from_file"
expect_equal "vma.conf is gen-config.py's output" "$(python3 "$here/gen-config.py" conf "$tree/usr/sbin/qvd-vma")" "$(cat "$conf")"
if bash "$here/gen-docs.sh" --check "$tree/usr/lib/qvd/bin"; then pass; else fail "docs/vma-conf.md or docs/client-conf.md is out of date"; fi

# ------------------------------------------------------------------ 4. maintainer scripts
# 4a. postinst / prerm / postrm outside dpkg, with stand-ins recording what they run.
fake="$work/fakebin"
mkdir -p "$fake"
calls="$work/calls"
for tool in getent groupadd deb-systemd-helper deb-systemd-invoke systemctl; do
    cat > "$fake/$tool" <<EOF
#!/bin/sh
echo "$tool \$*" >> "$calls"
case "$tool" in
    getent) [ -n "\${FAKE_GROUP_EXISTS:-}" ] && { echo "qvduser:x:999:"; exit 0; }; exit 2 ;;
    groupadd) exit "\${FAKE_GROUPADD_STATUS:-0}" ;;
    deb-systemd-helper) [ "\$2" = was-enabled ] && exit 0; exit 0 ;;
esac
exit 0
EOF
    chmod 0755 "$fake/$tool"
done
run_script() { # script args...
    local script=$1; shift
    : > "$calls"
    env -i PATH="$fake:/usr/bin:/bin" FAKE_GROUP_EXISTS="${FAKE_GROUP_EXISTS:-}" \
        FAKE_GROUPADD_STATUS="${FAKE_GROUPADD_STATUS:-}" sh "$work/control/$script" "$@"
}
if run_script postinst configure; then pass; else fail "postinst configure (group missing) failed"; fi
expect_equal "postinst creates the group when missing" "getent group qvduser
groupadd --system qvduser" "$(grep -E '^(getent|groupadd)' "$calls")"
if grep -q '^deb-systemd-helper enable qvd-vma.service' "$calls"; then pass; else fail "postinst does not enable the unit: $(cat "$calls")"; fi
if FAKE_GROUP_EXISTS=yes run_script postinst configure 0.1.0-1; then pass; else fail "postinst configure (group present) failed"; fi
expect_equal "postinst leaves an existing group alone" "getent group qvduser" "$(grep -E '^(getent|groupadd)' "$calls")"
if FAKE_GROUPADD_STATUS=9 run_script postinst configure; then pass; else fail "postinst fails when groupadd finds the group (status 9)"; fi
if FAKE_GROUPADD_STATUS=10 run_script postinst configure 2>/dev/null; then fail "postinst ignores a real groupadd failure"; else pass; fi
if run_script postinst bogus 2>/dev/null; then fail "postinst accepts an unknown argument"; else pass; fi
if run_script prerm upgrade 0.1.0-2 && ! grep -q 'invoke stop' "$calls"; then pass; else fail "prerm upgrade stops the agent: $(cat "$calls")"; fi
if run_script postrm purge && grep -q '^deb-systemd-helper purge qvd-vma.service' "$calls"; then pass; else fail "postrm purge: $(cat "$calls")"; fi

# 4b. A real install into a scratch root; dpkg runs the scripts with DPKG_ROOT set.
if [ "$(id -u)" -eq 0 ]; then
    scratch="$work/root"
    mkdir -p "$scratch/var/lib/dpkg/info" "$scratch/var/lib/dpkg/updates" "$scratch/etc"
    : > "$scratch/var/lib/dpkg/status"
    grep -v '^qvduser:' /etc/group > "$scratch/etc/group"
    grep -v '^qvduser:' /etc/gshadow > "$scratch/etc/gshadow" 2>/dev/null || : > "$scratch/etc/gshadow"
    cp /etc/passwd "$scratch/etc/passwd"
    [ -f /etc/login.defs ] && cp /etc/login.defs "$scratch/etc/login.defs"
    dpkg_root() { dpkg --root="$scratch" --force-script-chrootless --force-depends --log=/dev/null "$@" > "$work/dpkg.log" 2>&1; }
    if dpkg_root -i "$vma_deb" "$client_deb"; then pass; else fail "dpkg --root -i: $(cat "$work/dpkg.log")"; fi
    expect_equal "group created in the root" "1" "$(grep -c '^qvduser:x:[0-9]*:$' "$scratch/etc/group")"
    expect_equal "both installed" "ii qvd-client
ii qvd-vma" "$(dpkg-query --admindir="$scratch/var/lib/dpkg" -W -f='${db:Status-Abbrev}${Package}\n' | sed 's/ *qvd/ qvd/' | LC_ALL=C sort)"
    if dpkg_root -i "$vma_deb"; then pass; else fail "reinstall: $(cat "$work/dpkg.log")"; fi
    expect_equal "reinstall keeps one group" "1" "$(grep -c '^qvduser:' "$scratch/etc/group")"
    echo "vma.slave.enable = 1" >> "$scratch/etc/qvd/vma.conf"
    if dpkg_root -r qvd-vma; then pass; else fail "remove: $(cat "$work/dpkg.log")"; fi
    if [ -f "$scratch/etc/qvd/vma.conf" ] && [ ! -e "$scratch/usr/lib/qvd/bin/qvd-vma" ]; then pass; else fail "remove must keep the conffile and drop the binary"; fi
    if dpkg_root --purge qvd-vma; then pass; else fail "purge: $(cat "$work/dpkg.log")"; fi
    if [ ! -e "$scratch/etc/qvd/vma.conf" ] && [ ! -e "$scratch/var/log/qvd" ] && [ ! -e "$scratch/lib/systemd/system/qvd-vma.service" ]; then pass
    else fail "purge left files: $(cd "$scratch" && find etc/qvd var/log/qvd lib/systemd 2>/dev/null)"; fi
    expect_equal "purge keeps the group" "1" "$(grep -c '^qvduser:' "$scratch/etc/group")"
    if dpkg_root --purge qvd-client && [ ! -e "$scratch/usr/bin/qvdclient" ]; then pass; else fail "purge qvd-client: $(cat "$work/dpkg.log")"; fi
else
    echo "test-deb: not root; skipping the install into a scratch root"
fi

# ------------------------------------------------------------------ 5. lintian
if command -v lintian >/dev/null; then
    report=$(lintian --tag-display-limit 0 "$vma_deb" "$client_deb" 2>&1 | grep -v 'running with root privileges' || true)
    if grep -q '^[EW]: ' <<< "$report"; then fail "lintian:"$'\n'"$report"; else pass; fi
    [ -n "$report" ] && echo "test-deb: lintian (no errors or warnings):"$'\n'"$report"
else
    fail "lintian is not installed (apt-get install lintian)"
fi

echo "test-deb: $((checks - failures))/$checks checks passed in $(( $(date +%s) - started )) s"
[ "$failures" -eq 0 ]
