#!/usr/bin/env bash
# Installs the Debian packages that building, testing and the demo need, but only the
# ones that are missing, so a second run costs nothing. Used by `make test`, `make demo`
# and .ci/run. Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
    # build: system libraries named for this project
    libssl-dev libpulse-dev libfuse3-dev libx11-dev
    # the session: NX, X, the demo's desktop
    nxagent nxproxy xvfb xinit xterm twm x11-apps x11-utils x11-xserver-utils imagemagick
    # shared folders
    sshfs fuse3 openssh-sftp-server openssh-client
    # provisioning tests: loop-device home drive
    fdisk e2fsprogs mount util-linux passwd
    # vma-diff harness and benchmarks
    python3 procps iproute2 psmisc
    # the L7R stub makes a self-signed certificate with openssl
    openssl
    # packaging (make deb, make test-deb) and the example hooks' tests
    dpkg-dev binutils lintian shellcheck man-db x11-xkb-utils tzdata
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} Debian packages present"
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
        echo "install-deps: these packages are missing and I am not root: ${missing[*]}" >&2
        echo "install-deps: run 'apt-get install ${missing[*]}' as root, then try again" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
