#!/usr/bin/env bash
# `make demo`: a QVD desktop served on this machine, through the real NX stack.
#
#   1. starts qvd-vma (release build) on loopback with a throw-away layout under /tmp;
#   2. asks it over its RPC (as the QVD server would) to start a session for user qvddemo,
#      which the agent provisions itself (useradd), running an X session with xclock and xterm;
#   3. attaches the client side, nxproxy, to the session: into your $DISPLAY if you have one,
#      else into a private Xvfb, from which it saves demo.png and prints its path.
# Ctrl-C (or the end of a headless run) stops everything and removes the user and files.
# The full client path (qvdclient through the L7R) replaces step 3 when issue 4 lands.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
    echo "demo: run as root (the agent creates and removes the session user qvddemo): sudo make demo" >&2
    exit 1
fi
bin=$(pwd)/.build/release/qvd-vma
out=$(pwd)/demo.png
user=qvddemo
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
rpc() { python3 - "$port" "$1" <<'PY'
import sys, urllib.request
port, target = sys.argv[1], sys.argv[2]
body = urllib.request.urlopen("http://127.0.0.1:%s/vma/%s" % (port, target), timeout=30).read().decode()
print(body.strip())
PY
}

cleanup() {
    trap - EXIT INT TERM
    step "stopping everything"
    if [ -f "$root/run/nxagent.pid" ]; then kill -KILL "$(cat "$root/run/nxagent.pid")" 2>/dev/null || true; fi
    for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
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

port=$(free_port)
display=$(free_display 120)
mkdir -p "$root"/{run,log,home,bin}
cat > "$root/bin/xsession.sh" <<XS
#!/bin/sh
xsetroot -solid '#2e5f8a' 2>/dev/null
xclock -geometry 220x220+40+40 -update 1 &
xterm -geometry 80x20+300+60 -title 'QVD demo: this xterm runs in the VM session' -e sh -c 'echo "Hello from the QVD session of \$USER on display \$DISPLAY"; echo; id; exec sh' &
exec sleep 1000000
XS
chmod 755 "$root/bin/xsession.sh"
cat > "$root/vma.conf" <<CONF
path.run = $root/run
path.log = $root/log
vma.pid_file = $root/run/vma.pid
internal.vm.port.vma = $port
internal.nxagent.display = $display
command.x-session = $root/bin/xsession.sh
vma.user.home.path = $root/home
vma.user.home.drive =
vma.user.default.groups =
vma.hook.directory = $root/hooks.d
vma.slave.enable = 0
CONF

step "starting qvd-vma on 127.0.0.1:$port (session display :$display, logs in $root/log)"
"$bin" --config "$root/vma.conf" --foreground --address 127.0.0.1 >"$root/log/agent.console" 2>&1 &
pids+=($!)
for _ in $(seq 50); do rpc ping >/dev/null 2>&1 && break; sleep 0.2; done
echo "ping: $(rpc ping)"

step "x_start for user $user (the agent provisions the user, then starts nxagent)"
echo "x_start: $(rpc "x_start?qvd.vm.user.name=$user&qvd.client.keyboard=pc105%2Fus&qvd.client.os=linux&qvd.client.link=lan&qvd.client.geometry=1024x768&qvd.client.fullscreen=0")"
for _ in $(seq 100); do state=$(rpc x_state); [ "$state" = '"listening"' ] && break; sleep 0.2; done
echo "x_state: $state"

headless=0
if [ -z "${DISPLAY:-}" ]; then
    headless=1
    client_display=$(free_display $((display + 1)))
    step "no \$DISPLAY: starting a private Xvfb :$client_display for the client side"
    Xvfb ":$client_display" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
    pids+=($!)
    for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$client_display" ] && break; sleep 0.1; done
    export DISPLAY=":$client_display"
fi

step "attaching nxproxy (the NX client side) on $DISPLAY"
nxproxy -S "nx/nx,link=lan,connect=127.0.0.1:$display" >"$root/log/nxproxy.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do state=$(rpc x_state); [ "$state" = '"connected"' ] && break; sleep 0.2; done
echo "x_state: $state"

if [ $headless -eq 1 ]; then
    step "waiting for the desktop to draw, then saving a screenshot"
    sleep 4
    import -display "$DISPLAY" -window root "$out"
    echo "demo: the session's desktop, drawn through NX, is in $out"
else
    echo "demo: the session is open on $DISPLAY; press Ctrl-C to end it"
    wait "${pids[0]}"
fi
