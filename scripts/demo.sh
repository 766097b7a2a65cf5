#!/usr/bin/env bash
# `make demo`: a QVD desktop served on this machine, through the whole stack.
#
#   1. starts a "VM" on loopback: qvd-vma (as root) with a throw-away layout under /tmp and an
#      X session of twm, an xterm and an xclock for user qvddemo, whom it provisions itself;
#   2. starts the L7R stub (TLS, a self-signed certificate made for this run) with one user,
#      demo, whose password is random, and one VM that points at that agent;
#   3. runs qvdclient as the user would: login, VM list, connect, nxproxy. The desktop opens
#      in your $DISPLAY; without one, in a private Xvfb, from which it saves demo.png.
# Ctrl-C (or the end of a headless run) stops everything by pid and removes the user and files.
#
# Environment: QVD_DEMO_BIN (the binaries, default .build/release), QVD_DEMO_OUT (the
# screenshot, default ./demo.png), QVD_DEMO_WAIT (seconds before the screenshot, default 4).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
    echo "demo: run as root (the agent creates and removes the session user demo): sudo make demo" >&2
    exit 1
fi
bin=$(readlink -f "${QVD_DEMO_BIN:-.build/release}")
out=$(readlink -f "${QVD_DEMO_OUT:-demo.png}")
for program in qvd-vma qvd-l7r-stub qvdclient; do
    [ -x "$bin/$program" ] || { echo "demo: $bin/$program is missing: run 'make release' first" >&2; exit 1; }
done
# The L7R logs the user in as "demo" and asks the agent for a session of that user, whom the
# agent creates (and this script removes again): so there must be no real user of that name.
user=demo
if id "$user" >/dev/null 2>&1; then
    echo "demo: a user '$user' already exists on this machine; the demo creates and removes its own '$user', so it stops here" >&2
    exit 1
fi
root=$(mktemp -d /tmp/qvd-demo.XXXXXX)
chmod 755 "$root"
pids=()

step() { printf '\n==> %s\n' "$*"; }
free_display() {
    local d=$1
    while [ -e "/tmp/.X11-unix/X$d" ] || [ -e "/tmp/.X$d-lock" ] || ss -ltn | grep -q ":$((4000 + d)) "; do d=$((d + 1)); done
    echo "$d"
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rpc() { python3 - "$vma_port" "$1" <<'PY'
import sys, urllib.request
port, target = sys.argv[1], sys.argv[2]
print(urllib.request.urlopen("http://127.0.0.1:%s/vma/%s" % (port, target), timeout=30).read().decode().strip())
PY
}
wait_for_state() { # state tries
    local state=""
    for _ in $(seq "$2"); do state=$(rpc x_state 2>/dev/null || true); [ "$state" = "\"$1\"" ] && break; sleep 0.2; done
    echo "$state"
}

cleanup() {
    trap - EXIT INT TERM
    step "stopping everything"
    for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
    if [ -n "${vma_port:-}" ] && [ -x "$bin/qvd-vma" ]; then
        "$bin/qvd-vma" --config "$root/vma.conf" --stop-session >/dev/null 2>&1 || true
    fi
    if [ -f "$root/run/nxagent.pid" ]; then kill -KILL "$(cat "$root/run/nxagent.pid")" 2>/dev/null || true; fi
    sleep 1
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    pkill -KILL -u "$user" 2>/dev/null || true
    sleep 0.3
    userdel -rf "$user" >/dev/null 2>&1 || true
    groupdel "$user" >/dev/null 2>&1 || true
    rm -rf "$root"
    echo "demo: nothing left running"
}
trap cleanup EXIT INT TERM

vma_port=$(free_port)
stub_port=$(free_port)
display=$(free_display 120)
mkdir -p "$root"/{run,log,home,bin,stub,client-home}
chmod 700 "$root/client-home"
cat > "$root/bin/xsession.sh" <<XS
#!/bin/sh
xsetroot -solid '#2e5f8a' 2>/dev/null
twm 2>/dev/null &
xclock -geometry 220x220+40+40 -update 1 &
xterm -geometry 80x20+300+60 -title 'QVD demo: this xterm runs in the VM session' -e sh -c 'echo "Hello from the QVD session of \$USER on display \$DISPLAY"; echo; id; exec sh' &
exec sleep 1000000
XS
chmod 755 "$root/bin/xsession.sh"
cat > "$root/vma.conf" <<CONF
path.run = $root/run
path.log = $root/log
vma.pid_file = $root/run/vma.pid
internal.vm.port.vma = $vma_port
internal.nxagent.display = $display
command.x-session = $root/bin/xsession.sh
vma.user.home.path = $root/home
vma.user.home.drive =
vma.user.default.groups =
vma.hook.directory = $root/hooks.d
vma.slave.enable = 0
CONF

step "starting the VM's agent: qvd-vma on 127.0.0.1:$vma_port (session display :$display, logs in $root/log)"
"$bin/qvd-vma" --config "$root/vma.conf" --foreground --address 127.0.0.1 >"$root/log/agent.console" 2>&1 &
pids+=($!)
for _ in $(seq 50); do rpc ping >/dev/null 2>&1 && break; sleep 0.2; done
echo "ping: $(rpc ping)"

step "starting the L7R stub on 127.0.0.1:$stub_port (TLS, user demo, VM 1 = that agent)"
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
hash=$(printf '%s\n' "$password" | "$bin/qvd-l7r-stub" hash-password)
cat > "$root/stub/stub.conf" <<CONF
l7r.port = $stub_port
l7r.address = 127.0.0.1
l7r.use_ssl = 1
l7r.stub.state_dir = $root/stub/state
user.demo.password_hash = $hash
vm.1.name = Demo desktop
vm.1.owner = demo
vm.1.vma_host = 127.0.0.1
vm.1.vma_port = $vma_port
vm.1.nx_host = 127.0.0.1
vm.1.nx_port = $((4000 + display))
CONF
chmod 600 "$root/stub/stub.conf"
"$bin/qvd-l7r-stub" serve --config "$root/stub/stub.conf" >"$root/stub/stub.out" 2>"$root/log/stub.log" &
pids+=($!)
fingerprint=""
for _ in $(seq 100); do
    fingerprint=$(sed -n 's/^certificate SHA-256 fingerprint: //p' "$root/stub/stub.out" 2>/dev/null | head -1 | tr -d ':' | tr 'A-F' 'a-f')
    [ -n "$fingerprint" ] && ss -ltn | grep -q ":$stub_port " && break
    sleep 0.1
done
[ -n "$fingerprint" ] || { echo "demo: the stub did not start: $(cat "$root/log/stub.log")" >&2; exit 1; }
echo "stub certificate: sha256:$fingerprint"

headless=0
if [ -z "${DISPLAY:-}" ]; then
    headless=1
    client_display=$(free_display $((display + 1)))
    step "no \$DISPLAY: starting a private Xvfb :$client_display as the user's screen"
    Xvfb ":$client_display" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
    pids+=($!)
    for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$client_display" ] && break; sleep 0.1; done
    export DISPLAY=":$client_display"
fi

step "qvdclient -h 127.0.0.1 -p $stub_port -u demo -s 1 (password on stdin, certificate pinned) on $DISPLAY"
printf '%s\n' "$password" | HOME="$root/client-home" "$bin/qvdclient" -h 127.0.0.1 -p "$stub_port" -u demo \
    --password-stdin -s 1 --pin "sha256:$fingerprint" -g 1024x768 >"$root/log/qvdclient.console" 2>&1 &
pids+=($!)
client_pid=$!
state=$(wait_for_state connected 300)
echo "x_state: $state"
if [ "$state" != '"connected"' ]; then
    echo "demo: the session did not connect; qvdclient said:" >&2
    tail -5 "$root/log/qvdclient.console" >&2
    exit 1
fi

if [ $headless -eq 1 ]; then
    step "waiting ${QVD_DEMO_WAIT:-4} s for the desktop to draw, then saving a screenshot"
    sleep "${QVD_DEMO_WAIT:-4}"
    import -display "$DISPLAY" -window root "$out"
    echo "demo: the session's desktop, drawn through NX, is in $out"
else
    echo "demo: the session is open on $DISPLAY; press Ctrl-C to end it"
    wait "$client_pid" || true
fi
