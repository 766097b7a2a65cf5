#!/usr/bin/env python3
"""The client benchmark of issue 4 (Benchmarks/client/README.md): bytes/s through
qvdclient -> qvd-l7r-stub -> "VM" against one direct TLS stream, in the same run; time from
qvdclient's start to nxproxy's "Session started" against a suspended session; qvdclient's RSS.

Usage: client_bench.py --bin DIR [--results DIR] [--mib N] [--runs N] [--session-runs N]
                       [--skip-session] [--keep]
Exit status: 0 all targets met, 1 a target missed, 2 the run itself failed.
"""
import argparse
import json
import os
import pwd
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PUMP = os.path.join(HERE, "pump.py")
PASSWORD = "bench-password"
TARGET_RATIO = 0.5
TARGET_SESSION_SECONDS = 1.0

children = []


def log(text):
    print("client-bench: " + text, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def wait_port(port, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if port_open(port):
            return
        time.sleep(0.05)
    raise RuntimeError("nothing listens on 127.0.0.1:%d after %d s" % (port, seconds))


def start(argv, **kw):
    process = subprocess.Popen(argv, **kw)
    children.append(process)
    return process


def stop(process, grace=3):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def rss_kib(pid):
    """(VmRSS, VmHWM) in KiB, or None when the process is gone."""
    try:
        fields = dict(line.split(":", 1) for line in open("/proc/%d/status" % pid))
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])
    except (OSError, KeyError, ValueError):
        return None


def hash_password(stub, password):
    return subprocess.run([stub, "hash-password"], input=password + "\n", capture_output=True, text=True,
                          check=True).stdout.strip()


def start_stub(binary, root, port, login, vma_port, nx_port, poll_x="1"):
    os.makedirs(root, exist_ok=True)
    conf = os.path.join(root, "stub.conf")
    with open(conf, "w") as f:
        f.write("\n".join([
            "l7r.port = %d" % port, "l7r.address = 127.0.0.1", "l7r.use_ssl = 1",
            "l7r.stub.state_dir = %s/state" % root,
            "internal.l7r.poll_time.x = %s" % poll_x,
            "user.%s.password_hash = %s" % (login, hash_password(binary, PASSWORD)),
            "vm.1.name = Bench", "vm.1.owner = %s" % login, "vm.1.vma_host = 127.0.0.1",
            "vm.1.vma_port = %d" % vma_port, "vm.1.nx_port = %d" % nx_port, ""]))
    out = open(os.path.join(root, "stub.out"), "w")
    err = open(os.path.join(root, "stub.err"), "w")
    process = start([binary, "serve", "--config", conf, "--log-level", "INFO"], stdout=out, stderr=err)
    wait_port(port)
    time.sleep(0.2)
    text = open(os.path.join(root, "stub.out")).read()
    line = [l for l in text.splitlines() if l.startswith("certificate SHA-256 fingerprint: ")]
    if not line:
        raise RuntimeError("the stub printed no fingerprint: " + text)
    pin = "sha256:" + line[0].split(": ", 1)[1].replace(":", "").lower()
    return process, pin


def client_argv(binary, port, login, pin, extra=()):
    return [binary, "-h", "127.0.0.1", "-p", str(port), "-u", login, "--password-stdin", "-s", "1",
            "--pin", pin, "-g", "800x600"] + list(extra)


def run_client(argv, env, sample_rss=True, timeout=300):
    """Runs qvdclient to its end; returns (exit status, peak VmRSS KiB seen while it ran)."""
    process = start(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    process.stdin.write((PASSWORD + "\n").encode())
    process.stdin.close()
    peak = 0
    deadline = time.time() + timeout
    while process.poll() is None and time.time() < deadline:
        if sample_rss:
            sample = rss_kib(process.pid)
            if sample:
                peak = max(peak, sample[0])
        time.sleep(0.05)
    if process.poll() is None:
        process.kill()
    stderr = process.stderr.read().decode(errors="replace")
    process.wait()
    return process.returncode, peak, stderr


# ---------------------------------------------------------------- throughput

def throughput(args, tmp):
    login = "bench"
    vma_port, nx_port, stub_port, tls_port = free_port(), free_port(), free_port(), free_port()
    start([sys.executable, PUMP, "fake-vma", "--port", str(vma_port)])
    wait_port(vma_port)
    stub, pin = start_stub(args.stub, os.path.join(tmp, "stub"), stub_port, login, vma_port, nx_port)
    home = os.path.join(tmp, "home")
    os.makedirs(home + "/.qvd", exist_ok=True)
    fake = os.path.join(tmp, "fake-nxproxy.sh")
    with open(fake, "w") as f:
        f.write('#!/bin/sh\nexec %s %s fake-nxproxy "$@"\n' % (sys.executable, PUMP))
    os.chmod(fake, 0o755)
    with open(home + "/.qvd/client.conf", "w") as f:
        f.write("command.nxproxy = %s\nclient.slave.enable = 0\n" % fake)
    total = args.mib * 1024 * 1024
    state = os.path.join(tmp, "stub", "state")
    results = {}
    for direction, nx_mode, direct_server, direct_client, proxy_mode in [
            ("vm_to_client", "source", "source", "receive", "receive"),
            ("client_to_vm", "sink", "sink", "send", "send")]:
        result = os.path.join(tmp, "result.json")
        nx_ready, tls_ready = os.path.join(tmp, direction + ".nx.ready"), os.path.join(tmp, direction + ".tls.ready")
        nx = start([sys.executable, PUMP, "nx-server", "--port", str(nx_port), "--mode", nx_mode,
                    "--bytes", str(total), "--result", result, "--ready", nx_ready])
        tls = start([sys.executable, PUMP, "tls-server", "--port", str(tls_port), "--mode", direct_server,
                     "--bytes", str(total), "--result", result, "--cert", state + "/cert.pem", "--key", state + "/key.pem",
                     "--ready", tls_ready])
        for ready in (nx_ready, tls_ready):
            deadline = time.time() + 15
            while not os.path.exists(ready):
                if time.time() > deadline:
                    raise RuntimeError("a pump server did not start")
                time.sleep(0.05)
        relay, direct, rss = [], [], []
        for _ in range(args.runs):
            # Relay: fake nxproxy <-> qvdclient <-TLS-> stub <-> nx-server.
            if os.path.exists(result):
                os.remove(result)
            env = {"HOME": home, "DISPLAY": ":0", "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                   "PUMP_MODE": proxy_mode, "PUMP_BYTES": str(total), "PUMP_RESULT": result}
            status, peak, stderr = run_client(client_argv(args.client, stub_port, login, pin), env)
            time.sleep(0.3)
            measured = json.load(open(result))
            if measured["bytes"] != total:
                raise RuntimeError("relay %s moved %d of %d bytes (qvdclient exit %d: %s)"
                                   % (direction, measured["bytes"], total, status, stderr[-500:]))
            relay.append(total / measured["seconds"])
            rss.append(peak)
            # Direct: one TLS stream between the same pump ends.
            os.remove(result)
            subprocess.run([sys.executable, PUMP, "tls-client", "--port", str(tls_port), "--mode", direct_client,
                            "--bytes", str(total), "--result", result], check=True, timeout=300)
            time.sleep(0.3)
            measured = json.load(open(result))
            if measured["bytes"] != total:
                raise RuntimeError("direct %s moved %d of %d bytes" % (direction, measured["bytes"], total))
            direct.append(total / measured["seconds"])
        stop(nx)
        stop(tls)
        relay_median, direct_median = statistics.median(relay), statistics.median(direct)
        results[direction] = {
            "relay_bytes_per_second": relay, "direct_tls_bytes_per_second": direct,
            "relay_median_MiB_s": round(relay_median / 2**20, 1), "direct_median_MiB_s": round(direct_median / 2**20, 1),
            "ratio": round(relay_median / direct_median, 3), "qvdclient_peak_rss_kib": max(rss),
        }
        log("%s: relay %.0f MiB/s, direct TLS %.0f MiB/s, ratio %.2f (target >= %.1f); qvdclient peak RSS %d KiB"
            % (direction, relay_median / 2**20, direct_median / 2**20, relay_median / direct_median, TARGET_RATIO, max(rss)))
    stop(stub)
    return results


# ---------------------------------------------------------------- session start

def free_display(start_at, taken=()):
    d = start_at + random.randint(0, 300)
    while (d in taken or os.path.exists("/tmp/.X11-unix/X%d" % d) or os.path.exists("/tmp/.X%d-lock" % d)
           or port_open(4000 + d)):
        d += 1
    return d


def x_state(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/vma/x_state" % port, timeout=5) as reply:
        return json.loads(reply.read().decode().strip().splitlines()[0])


def wait_state(port, target, seconds=30):
    deadline = time.time() + seconds
    last = None
    while time.time() < deadline:
        try:
            last = x_state(port)
        except OSError:
            last = None
        if last == target:
            return last
        time.sleep(0.1)
    raise RuntimeError("x_state is %r, not %r, after %d s" % (last, target, seconds))


def session_start(args, tmp):
    login = "qvdb%06d" % random.randint(0, 999999)
    root = os.path.join(tmp, "session")
    for sub in ("run", "log", "home", "hooks.d", "bin", "client-home"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    os.chmod(root, 0o755)
    os.chmod(tmp, 0o755)
    vma_port, stub_port = free_port(), free_port()
    agent_display = free_display(600)
    user_display = free_display(600, (agent_display,))
    session = os.path.join(root, "bin", "xsession.sh")
    with open(session, "w") as f:
        f.write("#!/bin/sh\nxsetroot -solid '#2e5f8a'\nxclock -geometry 120x120+5+5 &\nexec sleep 100000\n")
    os.chmod(session, 0o755)
    with open(os.path.join(root, "vma.conf"), "w") as f:
        f.write("\n".join([
            "path.run = %s/run" % root, "path.log = %s/log" % root, "vma.pid_file = %s/run/vma.pid" % root,
            "internal.vm.port.vma = %d" % vma_port, "internal.nxagent.display = %d" % agent_display,
            "command.x-session = %s" % session, "vma.user.home.path = %s/home" % root, "vma.user.home.drive =",
            "vma.user.default.groups =", "vma.hook.directory = %s/hooks.d" % root, "vma.slave.enable = 0",
            "vma.audio.enable = 0", "vma.printing.enable = 0", "log.level = INFO", ""]))
    measured = {}
    xvfb = start(["Xvfb", ":%d" % user_display, "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    agent = start([args.vma, "--config", os.path.join(root, "vma.conf"), "--foreground", "--address", "127.0.0.1"],
                  stdout=open(os.path.join(root, "log", "agent.console"), "w"), stderr=subprocess.STDOUT)
    try:
        wait_port(vma_port)
        home = os.path.join(root, "client-home")
        env = {"HOME": home, "DISPLAY": ":%d" % user_display, "PATH": "/usr/local/bin:/usr/bin:/bin"}
        for label, poll in [("stub_poll_time_x_1s_upstream_default", "1"), ("stub_poll_time_x_0.1s", "0.1")]:
            stub, pin = start_stub(args.stub, os.path.join(root, "stub-" + poll), stub_port, login, vma_port,
                                   4000 + agent_display, poll_x=poll)
            argv = client_argv(args.client, stub_port, login, pin, ["-d"])
            times, rss = [], []
            if x_state(vma_port) != "suspended":
                # The first connection creates the session; Ctrl-C suspends it.
                first = start(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
                first.stdin.write((PASSWORD + "\n").encode())
                first.stdin.close()
                wait_state(vma_port, "connected", 60)
                first.send_signal(signal.SIGINT)
                first.wait(30)
                wait_state(vma_port, "suspended")
            for _ in range(args.session_runs):
                began = time.monotonic()
                client = start(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
                client.stdin.write((PASSWORD + "\n").encode())
                client.stdin.close()
                started = None
                seen = []
                for raw in client.stderr:
                    seen.append(raw)
                    if b"Session: Session started" in raw:
                        started = time.monotonic() - began
                        break
                if started is None:
                    stub_log = open(os.path.join(root, "stub-" + poll, "stub.err")).read()[-1500:]
                    raise RuntimeError("qvdclient ended without nxproxy's 'Session started' (exit %s): %s; stub: %s"
                                       % (client.wait(), b"".join(seen[-5:]).decode(errors="replace"), stub_log))
                times.append(started)
                wait_state(vma_port, "connected")
                time.sleep(1.0)
                sample = rss_kib(client.pid)
                if sample:
                    rss.append(sample[0])
                client.send_signal(signal.SIGINT)
                # Keep reading so nxproxy's output never blocks the client.
                client.stderr.read()
                client.wait(30)
                wait_state(vma_port, "suspended")
            stop(stub)
            measured[label] = {
                "seconds": [round(t, 3) for t in times], "median_seconds": round(statistics.median(times), 3),
                "qvdclient_rss_kib_in_session": rss,
            }
            log("start -> 'Session started' against a suspended session (%s): median %.3f s of %s (target <= %.1f s); "
                "qvdclient RSS in session %s KiB" % (label, statistics.median(times), [round(t, 2) for t in times],
                                                      TARGET_SESSION_SECONDS, rss))
    finally:
        try:
            pid = int(open(os.path.join(root, "run", "nxagent.pid")).read().strip())
            os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError):
            pass
        stop(agent)
        stop(xvfb)
        # nxagent was killed: its display's lock file and socket stay behind.
        for leftover in ("/tmp/.X%d-lock" % agent_display, "/tmp/.X11-unix/X%d" % agent_display):
            try:
                os.remove(leftover)
            except OSError:
                pass
        try:
            pwd.getpwnam(login)
            subprocess.run(["pkill", "-KILL", "-u", login], check=False)
            time.sleep(0.2)
            subprocess.run(["userdel", "-rf", login], check=False, stderr=subprocess.DEVNULL)
            subprocess.run(["groupdel", login], check=False, stderr=subprocess.DEVNULL)
        except KeyError:
            pass
    return measured


def main():
    # SIGTERM cleans up like Ctrl-C: the finally blocks stop every child and remove the user.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="directory with qvdclient, qvd-l7r-stub, qvd-vma")
    parser.add_argument("--results", default=os.path.join(HERE, "..", "results"))
    parser.add_argument("--mib", type=int, default=256, help="MiB per throughput run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--session-runs", type=int, default=7)
    parser.add_argument("--skip-session", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    args = parser.parse_args()
    args.client = os.path.join(args.bin, "qvdclient")
    args.stub = os.path.join(args.bin, "qvd-l7r-stub")
    args.vma = os.path.join(args.bin, "qvd-vma")
    for binary in (args.client, args.stub):
        if not os.access(binary, os.X_OK):
            log("missing %s (make release)" % binary)
            return 2
    can_session = (not args.skip_session and os.geteuid() == 0 and os.access(args.vma, os.X_OK)
                   and all(shutil.which(p) for p in ("nxagent", "nxproxy", "Xvfb", "xinit", "xsetroot", "xclock")))
    tmp = tempfile.mkdtemp(prefix="qvd-client-bench-")
    summary = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "mib_per_run": args.mib,
               "runs": args.runs, "binaries": args.bin}
    try:
        if not args.skip_throughput:
            summary["throughput"] = throughput(args, tmp)
        if can_session:
            summary["session_start"] = session_start(args, tmp)
        else:
            log("session start not measured: needs root, nxagent, nxproxy, Xvfb, xinit, xsetroot, xclock and qvd-vma")
    except Exception as error:  # the run failed: say why, clean up, exit 2
        log("run failed: %s" % error)
        return 2
    finally:
        for process in reversed(children):
            stop(process, 1)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(args.results, exist_ok=True)
    path = os.path.join(args.results, time.strftime("%Y%m%d-%H%M%S") + "-client.json")
    with open(path, "w") as f:
        json.dump(summary, f, indent=2)
    log("results in " + path)
    ok = all(v["ratio"] >= TARGET_RATIO for v in summary.get("throughput", {}).values())
    if "session_start" in summary:
        ok = ok and summary["session_start"]["stub_poll_time_x_0.1s"]["median_seconds"] <= TARGET_SESSION_SECONDS
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
