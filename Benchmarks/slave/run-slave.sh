#!/usr/bin/env bash
# Shared-folder benchmarks (issue 5): our confined SFTP server against OpenSSH's sftp-server,
# each serving the same sshfs 3 over a socketpair (sequential write/read and 2000-file
# create/stat/delete, ratios against the >= 0.9x target), then the same workload through the
# real NX slave channel, reported against the raw slave-channel throughput of the same run.
# Needs root (FUSE mounts, nxagent), sshfs, fusermount3, openssh-sftp-server, nxagent, nxproxy,
# Xvfb. Exits 1 when a socketpair ratio is under 0.9, 2 when the run itself fails.
#
# Environment: QVD_BIN (directory of the built programs, default .build/release; built with
# scripts/release-build.sh when missing), SLAVE_BENCH_ARGS (e.g. "--size 64 --nx-size 16
# --skip-nx").
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repo=$PWD
bin=${QVD_BIN:-$repo/.build/release}

for program in sshfs fusermount3 nxagent nxproxy Xvfb python3; do
    command -v "$program" >/dev/null || { echo "slave bench: $program is missing" >&2; exit 2; }
done
[ -x /usr/lib/openssh/sftp-server ] || { echo "slave bench: /usr/lib/openssh/sftp-server is missing (openssh-sftp-server)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "slave bench: run as root (FUSE mounts, nxagent)" >&2; exit 2; }

for program in qvd-vma-slaveserver qvd-client-slaveserver qvd-slaveclient; do
    if [ ! -x "$bin/$program" ]; then
        echo "slave bench: $bin/$program is missing: building it as make release does"
        bash scripts/release-build.sh --product "$program"
    fi
done

# shellcheck disable=SC2086  # SLAVE_BENCH_ARGS is a list of options
exec python3 "$repo/Benchmarks/slave/slave_bench.py" --bin "$bin" ${SLAVE_BENCH_ARGS:-}
