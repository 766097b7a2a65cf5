#!/usr/bin/env python3
"""Shared-folder benchmarks (issue 5), run by run-slave.sh.

1. sshfs over a socketpair: our confined SFTP server (the built qvd-vma-slaveserver answering
   `GET /shares/<dir>` with the key, then serving SFTP on the same stream, as nxagent would
   run it) against OpenSSH's /usr/lib/openssh/sftp-server, the same sshfs 3 (`-o passive`)
   on the other end. Workload: sequential write and read of SIZE MiB, then 2000 files
   created, stat'ed and deleted. Prints each figure and ours/OpenSSH (target >= 0.9).
2. The same workload through the whole NX path: Xvfb, nxagent `slave=1` (NX_SLAVE_CMD = our
   VM slave server), nxproxy `slave=PORT` (NX_SLAVE_CMD = our client slave server),
   `qvd-slaveclient share DIR` -> sshfs mounts it under ~/Redirected. Reported against the raw
   slave-channel throughput of the same run: bytes pushed through one slave connection to a
   sink on the VM side (client->VM) and pulled from a source there (VM->client).

Everything is cleaned up by pid (processes), fusermount3 -u -z (mounts) and rm (temp dirs).
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

KEY = "BenchKeyOfSixtyFourCharsAbcdefghijklmnopqrstuvwxyz0123456789ABCD"[:64]
MIB = 1 << 20


def log(*args):
    print(*args, flush=True)


def is_mounted(path):
    escaped = path.replace("\\", "\\134").replace(" ", "\\040")
    with open("/proc/self/mounts") as f:
        return any(line.split(" ")[1] == escaped for line in f)


def wait_until(condition, timeout, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def unmount(path):
    subprocess.run(["fusermount3", "-u", "-z", path], stderr=subprocess.DEVNULL)


class LinkKeeper:
    """Keeps nxagent's main loop awake: `GET /ping` every 5 ms on one keep-alive connection
    to nxagent's own slave listener (11000 + display, in the VM; our client slave server
    answers), never waiting for the answers (they are drained as they come)."""

    def __init__(self, port, target="/ping"):
        import threading
        self.stopped = threading.Event()
        self.answered = threading.Event()
        self.answers = 0
        self.request = f"GET {target} HTTP/1.1\r\nAuthorization: Basic {KEY}\r\n\r\n".encode()
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setblocking(False)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        try:
            while not self.stopped.is_set():
                try:
                    self.sock.send(self.request)
                except BlockingIOError:
                    pass
                try:
                    while True:
                        data = self.sock.recv(65536)
                        if not data:
                            return
                        self.answers += data.count(b"HTTP/1.1 ")
                        self.answered.set()
                except BlockingIOError:
                    pass
                time.sleep(0.005)
        except OSError:
            return

    def stop(self):
        self.stopped.set()
        self.thread.join(6)
        self.sock.close()


class Cleanup:
    def __init__(self):
        self.keeper = None
        self.processes = []
        self.mounts = []
        self.paths = []

    def run(self):
        if self.keeper:
            self.keeper.stop()
        for mount in reversed(self.mounts):
            if is_mounted(mount):
                unmount(mount)
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(3)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        for path in self.paths:
            shutil.rmtree(path, ignore_errors=True)


def workload(mount, size_mib, files, read_source):
    """Write SIZE MiB, read READ_SOURCE (a file made on the server side, never cached
    here), then FILES small files created, stat'ed, deleted. Returns MB/s and files/s."""
    chunk = os.urandom(MIB)
    start = time.monotonic()
    with open(os.path.join(mount, "write.bin"), "wb") as f:
        for _ in range(size_mib):
            f.write(chunk)
        f.flush()
        os.fsync(f.fileno())
    write_s = time.monotonic() - start

    start = time.monotonic()
    total = 0
    with open(os.path.join(mount, read_source), "rb", buffering=0) as f:
        while True:
            data = f.read(MIB)
            if not data:
                break
            total += len(data)
    read_s = time.monotonic() - start
    if total != size_mib * MIB:
        raise RuntimeError(f"read {total} bytes, expected {size_mib * MIB}")

    directory = os.path.join(mount, "many")
    os.mkdir(directory)
    names = [os.path.join(directory, f"f{i}") for i in range(files)]
    start = time.monotonic()
    for name in names:
        with open(name, "wb") as f:
            f.write(b"x")
    create_s = time.monotonic() - start
    start = time.monotonic()
    for name in names:
        os.stat(name)
    stat_s = time.monotonic() - start
    start = time.monotonic()
    for name in names:
        os.unlink(name)
    delete_s = time.monotonic() - start
    os.rmdir(directory)
    os.unlink(os.path.join(mount, "write.bin"))
    mb = size_mib * MIB / 1e6
    return {
        "write MB/s": mb / write_s,
        "read MB/s": mb / read_s,
        "create files/s": files / create_s,
        "stat files/s": files / stat_s,
        "delete files/s": files / delete_s,
    }


def make_source(folder, size_mib):
    with open(os.path.join(folder, "read.bin"), "wb") as f:
        chunk = os.urandom(MIB)
        for _ in range(size_mib):
            f.write(chunk)


def sshfs_on(fd, mount, cleanup, log_file):
    os.makedirs(mount, exist_ok=True)
    # No sshfs directory/attribute cache: every stat reaches the server being measured.
    sshfs = subprocess.Popen(["sshfs", "-f", "-o", "passive", "-o", "dir_cache=no", "qvd-client:", mount],
                             stdin=fd, stdout=fd, stderr=open(log_file, "ab"), pass_fds=())
    cleanup.processes.append(sshfs)
    cleanup.mounts.append(mount)
    os.close(fd)
    if not wait_until(lambda: is_mounted(mount), 15):
        raise RuntimeError(f"sshfs did not mount {mount}: {open(log_file).read()[-2000:]}")
    return sshfs


def finish_mount(mount, sshfs):
    unmount(mount)
    try:
        sshfs.wait(10)
    except subprocess.TimeoutExpired:
        sshfs.kill()


def read_head(sock):
    """The response head, one byte at a time (nothing past it may be consumed)."""
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        byte = sock.recv(1)
        if not byte:
            raise RuntimeError(f"the stream ended in the response head: {head!r}")
        head += byte
    return head.decode("utf-8", "replace")


def vm_config(root, home, extra=""):
    keyfile = os.path.join(root, "slave.conf")
    with open(keyfile, "w") as f:
        f.write(KEY)
    os.chmod(keyfile, 0o600)
    config = os.path.join(root, "vma.conf")
    with open(config, "w") as f:
        f.write(f"internal.vma.slave.config = {keyfile}\n"
                f"command.sshfs = /usr/bin/sshfs\n"
                f"vma-slaveserver.log.filename = {root}/slaveserver.log\n"
                f"log.level = WARN\n{extra}")
    return {"HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "QVD_VMA_CONFIG": config}


def socketpair_figures(bindir, size_mib, files, root):
    cleanup = Cleanup()
    results = {}
    try:
        home = os.path.join(root, "home")
        share = os.path.join(home, "share")
        os.makedirs(share)
        make_source(share, size_mib)
        env = vm_config(root, home)

        # Ours: qvd-vma-slaveserver on one end of the socketpair, GET /shares/<dir>, 101, SFTP.
        ours_end, sshfs_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        server = subprocess.Popen([os.path.join(bindir, "qvd-vma-slaveserver")], stdin=ours_end, stdout=ours_end,
                                  stderr=subprocess.DEVNULL, env=env, cwd=home)
        cleanup.processes.append(server)
        ours_end.close()
        sshfs_end.sendall((f"GET /shares/{share} HTTP/1.1\r\nAuthorization: Basic {KEY}\r\n"
                           "Connection: Upgrade\r\nUpgrade: qvd:sftp/1.0\r\n\r\n").encode())
        head = read_head(sshfs_end)
        if not head.startswith("HTTP/1.1 101"):
            raise RuntimeError(f"our slave server answered {head!r}")
        mount = os.path.join(root, "mnt-ours")
        sshfs = sshfs_on(os.dup(sshfs_end.fileno()), mount, cleanup, os.path.join(root, "sshfs-ours.log"))
        sshfs_end.close()
        results["ours"] = workload(mount, size_mib, files, "read.bin")
        finish_mount(mount, sshfs)

        # OpenSSH's sftp-server, started in the same folder.
        server_end, sshfs_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        server = subprocess.Popen(["/usr/lib/openssh/sftp-server", "-e"], stdin=server_end, stdout=server_end,
                                  stderr=subprocess.DEVNULL, cwd=share)
        cleanup.processes.append(server)
        server_end.close()
        mount = os.path.join(root, "mnt-openssh")
        sshfs = sshfs_on(os.dup(sshfs_end.fileno()), mount, cleanup, os.path.join(root, "sshfs-openssh.log"))
        sshfs_end.close()
        results["openssh"] = workload(mount, size_mib, files, "read.bin")
        finish_mount(mount, sshfs)
    finally:
        cleanup.run()
    return results


def free_display(start):
    for display in range(start, 900):
        if os.path.exists(f"/tmp/.X11-unix/X{display}") or os.path.exists(f"/tmp/.X{display}-lock"):
            continue
        if all(port_free(base + display) for base in (4000, 11000, 12000)):
            return display
    raise RuntimeError("no free display")


def port_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raw_channel(slave_port, mode_file, count):
    """SIZE bytes each way through one slave connection: to a sink on the VM side
    (client->VM, timed until the sink confirms) and from a source there (VM->client)."""
    with open(mode_file, "w") as f:
        f.write(f"sink:{count}")
    with socket.create_connection(("127.0.0.1", slave_port)) as s:
        block = os.urandom(256 * 1024)  # random, as the share's data: NX cannot compress it
        start = time.monotonic()
        sent = 0
        while sent < count:
            s.sendall(block[: min(len(block), count - sent)])
            sent += min(len(block), count - sent)
        answer = s.recv(16)
        raw_c2a = count / 1e6 / (time.monotonic() - start)
        if answer != b"ok\n":
            raise RuntimeError(f"the raw sink answered {answer!r}")
    with open(mode_file, "w") as f:
        f.write(f"source:{count}")
    with socket.create_connection(("127.0.0.1", slave_port)) as s:
        start = time.monotonic()
        got = 0
        while got < count:
            data = s.recv(1 << 20)
            if not data:
                break
            got += len(data)
        raw_a2c = got / 1e6 / (time.monotonic() - start)
        if got != count:
            raise RuntimeError(f"the raw source gave {got} bytes, expected {count}")
    os.unlink(mode_file)
    return {"client->VM MB/s": raw_c2a, "VM->client MB/s": raw_a2c}


def nx_figures(bindir, size_mib, files, root):
    """The workload on a share mounted through nxagent/nxproxy, and the raw channel."""
    cleanup = Cleanup()
    results = {}
    agent_display = free_display(640)
    user_display = free_display(agent_display + 1)
    slave_port = free_port()
    vm_home = os.path.join(root, "vmhome")
    client_home = os.path.join(root, "clienthome")
    folder = os.path.join(client_home, "bench-share")
    os.makedirs(vm_home)
    os.makedirs(os.path.join(client_home, ".qvd"))
    os.makedirs(folder)
    make_source(folder, size_mib)
    env = vm_config(root, vm_home)
    # NX_SLAVE_CMD: the raw-channel sink/source when a flag file says so, else our server.
    mode_file = os.path.join(root, "raw-mode")
    wrapper = os.path.join(root, "vm-slave-cmd")
    with open(wrapper, "w") as f:
        f.write(f"""#!/bin/sh
mode=$(cat '{mode_file}' 2>/dev/null)
case "$mode" in
  sink:*) head -c "${{mode#sink:}}" > /dev/null; printf 'ok\\n'; exit 0 ;;
  source:*) head -c "${{mode#source:}}" /dev/urandom; exit 0 ;;
esac
exec '{bindir}/qvd-vma-slaveserver'
""")
    os.chmod(wrapper, 0o755)
    nxlog = open(os.path.join(root, "nx.log"), "ab")
    try:
        xvfb = subprocess.Popen(["Xvfb", f":{user_display}", "-screen", "0", "800x600x24", "-nolisten", "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cleanup.processes.append(xvfb)
        options = os.path.join(root, "nxagent.options")
        with open(options, "w") as f:
            f.write(f"nx/nx,slave=1,listen={4000 + agent_display},link=lan:{agent_display}\n")
        agent_env = dict(env, NX_SLAVE_CMD=wrapper)
        agent = subprocess.Popen(["nxagent", "-ac", "-display", f"nx/nx,options={options}:{agent_display}", f":{agent_display}"],
                                 env=agent_env, stdout=nxlog, stderr=nxlog)
        cleanup.processes.append(agent)
        if not wait_until(lambda: not port_free(4000 + agent_display), 20):
            raise RuntimeError("nxagent did not listen")
        with open(os.path.join(client_home, ".qvd", "slave-key"), "w") as f:
            f.write(KEY)
        with open(os.path.join(client_home, ".qvd", "slave-port"), "w") as f:
            f.write(str(slave_port))
        client_env = {"HOME": client_home, "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        proxy = subprocess.Popen(["nxproxy", "-S", f"nx/nx,slave={slave_port},connect=tcp:127.0.0.1:{4000 + agent_display},"
                                  f"link=lan:{agent_display}"],
                                 env=dict(client_env, DISPLAY=f":{user_display}",
                                          NX_SLAVE_CMD=os.path.join(bindir, "qvd-client-slaveserver")),
                                 stdout=nxlog, stderr=nxlog)
        cleanup.processes.append(proxy)
        if not wait_until(lambda: not port_free(slave_port), 30):
            raise RuntimeError("nxproxy's slave port never opened")
        time.sleep(1)
        # Keep nxagent awake: without X activity client->VM traffic stalls 5 s at a time
        # (nx-slave-channel-limits.md §3.4); a GET /ping every 5 ms from the VM side on a
        # second slave connection, as the end-to-end test does, for every NX figure below.
        keeper = LinkKeeper(11000 + agent_display)
        cleanup.keeper = keeper
        if not keeper.answered.wait(20):
            raise RuntimeError("the client slave server never answered GET /ping through nxagent")

        raw_before = raw_channel(slave_port, mode_file, size_mib * MIB)

        # The share, as qvdclient starts it.
        share = subprocess.Popen([os.path.join(bindir, "qvd-slaveclient"), "share", folder], env=client_env,
                                 stdout=subprocess.PIPE, stderr=nxlog)
        cleanup.processes.append(share)
        mount = os.path.join(vm_home, "Redirected", "bench-share")
        cleanup.mounts.append(mount)
        if not wait_until(lambda: is_mounted(mount), 60):
            raise RuntimeError("the share never mounted through NX")
        results["nx"] = workload(mount, size_mib, files, "read.bin")
        unmount(mount)
        if not wait_until(lambda: share.poll() is not None, 20):
            raise RuntimeError("the share process did not end after the unmount")
        try:
            raw_after = raw_channel(slave_port, mode_file, size_mib * MIB)
        except (OSError, RuntimeError) as error:
            log(f"  (the raw run after the share failed: {error})")
            raw_after = raw_before
        results["keeper answers"] = keeper.answers
        # The better of the two raw runs (before and after the share workload) is the ceiling.
        results["raw runs"] = [raw_before, raw_after]
        results["raw"] = {name: max(raw_before[name], raw_after[name]) for name in raw_before}
    except Exception:
        nxlog.flush()
        with open(os.path.join(root, "nx.log"), errors="replace") as f:
            log("NX log (tail):\n" + f.read()[-3000:])
        raise
    finally:
        cleanup.run()
        for display in (agent_display,):
            for path in (f"/tmp/.X{display}-lock", f"/tmp/.X11-unix/X{display}"):
                if os.path.exists(path):
                    os.unlink(path)
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="directory of the built programs")
    parser.add_argument("--size", type=int, default=256, help="MiB for the socketpair figures")
    parser.add_argument("--nx-size", type=int, default=64, help="MiB for the NX figures")
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="socketpair runs per server (the best counts)")
    parser.add_argument("--skip-nx", action="store_true")
    args = parser.parse_args()
    if os.geteuid() != 0:
        log("slave bench: needs root (FUSE mounts, nxagent)")
        return 2
    root = tempfile.mkdtemp(prefix="qvd-slave-bench-")
    failed = False
    try:
        # The machine may be shared: alternate the two servers and keep each one's best run.
        ours, openssh = {}, {}
        for run in range(args.repeat):
            figures = socketpair_figures(args.bin, args.size, args.files, os.path.join(root, f"pair{run}"))
            for best, new in ((ours, figures["ours"]), (openssh, figures["openssh"])):
                for name, value in new.items():
                    best[name] = max(best.get(name, 0), value)
        log(f"sshfs over a socketpair, {args.size} MiB and {args.files} files, best of {args.repeat} alternating runs:")
        log(f"  {'figure':<16}{'ours':>10}{'OpenSSH':>10}{'ratio':>8}")
        for name in ours:
            ratio = ours[name] / openssh[name]
            failed |= ratio < 0.9
            log(f"  {name:<16}{ours[name]:>10.1f}{openssh[name]:>10.1f}{ratio:>7.2f}x{'' if ratio >= 0.9 else '  < 0.9 target'}")
        if not args.skip_nx:
            os.makedirs(os.path.join(root, "nx"))
            nx = nx_figures(args.bin, args.nx_size, args.files, os.path.join(root, "nx"))
            raw = nx["raw"]
            log(f"through the NX slave channel, {args.nx_size} MiB and {args.files} files:")
            log(f"  (a GET /ping every 5 ms from the VM side kept nxagent awake: {nx['keeper answers']} answers)")
            for label, run in zip(("before", "after"), nx["raw runs"]):
                log(f"  raw slave channel ({label} the share): client->VM {run['client->VM MB/s']:.1f} MB/s, "
                    f"VM->client {run['VM->client MB/s']:.1f} MB/s")
            share = nx["nx"]
            # A VM write goes VM->client; a VM read comes client->VM.
            log(f"  share write (VM->client) {share['write MB/s']:.1f} MB/s = "
                f"{share['write MB/s'] / raw['VM->client MB/s']:.2f}x the better raw run")
            log(f"  share read (client->VM) {share['read MB/s']:.1f} MB/s = "
                f"{share['read MB/s'] / raw['client->VM MB/s']:.2f}x the better raw run")
            log(f"  files/s: create {share['create files/s']:.0f}, stat {share['stat files/s']:.0f}, "
                f"delete {share['delete files/s']:.0f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
