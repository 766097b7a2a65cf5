import Foundation
import QVDCore
import QVDL7RStub
import SystemPackage
#if canImport(Glibc)
import Glibc
import QVDTestSupport
#endif

/// A whole session with the slave channel on, every piece a real process: an Xvfb for the
/// user's screen; the built `qvd-vma` (temp configuration, `vma.slave.enable = 1`, the built
/// `qvd-vma-slaveserver` as `vma.slave.command`) running the real nxagent as a throw-away
/// user it provisions; the built `qvd-l7r-stub` with TLS; the built `qvdclient`
/// (`--password-stdin`, `--pin`) with a temp `HOME` whose `~/.qvd/client.conf` shares three
/// folders (`client.share.0/1/2`, the second read-only) through the built
/// `qvd-slaveclient` and `qvd-client-slaveserver`.
///
/// Two stand-ins, both recorded here because the tests rely on them:
/// - `command.open_file` is a script that records its argument in `opened.txt` (there is
///   no desktop to run `xdg-open` on);
/// - `command.sshfs` is a script that hands the share named `probe` to the test's SFTP
///   prober (a loopback TCP port, through bash's `/dev/tcp`) instead of mounting it, and
///   `exec`s the real `/usr/bin/sshfs` for every other share.
///
/// `tearDown()` ends every process by pid, unmounts what is left (`fusermount3 -u -z`),
/// removes the user (`userdel -r`) and the temp directory.
final class SharesSessionRig: @unchecked Sendable {
    let root: String
    let login = "shr\(UInt32.random(in: 100_000...999_999))"
    let password = "shares-e2e-password"
    let vmaPort: Int
    let stubPort: Int
    let probePort: Int
    let probeListener: Int32
    let agentDisplay: Int
    let userDisplay: Int
    var xvfb: ChildProcessHandle?
    var agent: ChildProcessHandle?
    var stub: ChildProcessHandle?
    var client: ChildProcessHandle?
    var pin = ""

    /// The client's shared folders; the first has a UTF-8 name.
    var sharedFolder: String { root + "/client/Datos compartidos ñ" }
    var readOnlyFolder: String { root + "/client/solo-lectura" }
    var probeFolder: String { root + "/client/probe" }
    /// Outside every share, beside them: nothing the VM does may read or change it.
    var outsideFolder: String { root + "/client" }
    static let canary = "CANARY-outside-the-share"

    var clientHome: String { root + "/client-home" }
    var vmHome: String { root + "/home/" + login }
    var redirected: String { vmHome + "/Redirected" }
    var openedRecord: String { root + "/vmlog/opened.txt" }

    init() throws {
        var template = Array("/tmp/qvd-shares-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SharesTestError("mkdtemp failed: errno \(errno)") }
        root = String(cString: made)
        chmod(root, 0o755)
        vmaPort = try Self.freePort()
        stubPort = try Self.freePort()
        (probeListener, probePort) = try Self.listen()
        agentDisplay = Self.freeDisplay(from: 600)
        userDisplay = Self.freeDisplay(from: 600, avoiding: [agentDisplay])
        for sub in ["run", "log", "home", "hooks.d", "bin", "stub", "client-home/.qvd", "client", "vmlog"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(sub)", withIntermediateDirectories: true)
        }
        // The slave server and the opener run as the VM user: their log directory is theirs too.
        chmod(root + "/vmlog", 0o1777)
        for folder in [sharedFolder, readOnlyFolder, probeFolder] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try Self.canary.write(toFile: outsideFolder + "/secret.txt", atomically: false, encoding: .utf8)
        try write("""
            #!/bin/sh
            # The VM's desktop: nothing to draw.
            exec sleep 100000
            """, to: root + "/bin/xsession.sh", mode: 0o755)
        try write("""
            #!/bin/sh
            # Stand-in for xdg-open (no desktop here): records what it was asked to open.
            printf '%s\\n' "$*" >> '\(openedRecord)'
            """, to: root + "/bin/fake-xdg-open", mode: 0o755)
        try write("""
            #!/bin/bash
            # Stand-in for sshfs: the share named "probe" goes to the test's SFTP prober;
            # every other share (and --version) to the real sshfs.
            case "$2" in
              */Redirected/probe)
                exec 3<>/dev/tcp/127.0.0.1/\(probePort) || exit 1
                cat <&3 &
                exec cat >&3
                ;;
            esac
            exec /usr/bin/sshfs "$@" 2>> '\(root)/vmlog/sshfs.log'
            """, to: root + "/bin/sshfs-or-probe", mode: 0o755)
        try write("""
            path.run = \(root)/run
            path.log = \(root)/log
            vma.pid_file = \(root)/run/vma.pid
            internal.vm.port.vma = \(vmaPort)
            internal.nxagent.display = \(agentDisplay)
            command.x-session = \(root)/bin/xsession.sh
            vma.user.home.path = \(root)/home
            vma.user.home.drive =
            vma.user.default.groups =
            vma.hook.directory = \(root)/hooks.d
            vma.slave.enable = 1
            vma.slave.command = \(SharesBinaries.vmSlaveServer)
            command.sshfs = \(root)/bin/sshfs-or-probe
            command.open_file = \(root)/bin/fake-xdg-open
            vma-slaveserver.log.filename = \(root)/vmlog/slaveserver.log
            vma.audio.enable = 0
            vma.printing.enable = 0
            log.level = DEBUG

            """, to: root + "/vma.conf", mode: 0o644)
        try write("""
            client.slave.enable = 1
            client.file_sharing.enable = 1
            client.slave.command = \(SharesBinaries.clientSlaveServer)
            client.slave.client = \(SharesBinaries.slaveClient)
            client.share.0 = \(sharedFolder)
            client.share.1 = \(readOnlyFolder)
            client.share.1.readonly = 1
            client.share.2 = \(probeFolder)

            """, to: clientHome + "/.qvd/client.conf", mode: 0o600)
    }

    func write(_ text: String, to path: String, mode: mode_t) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, mode)
    }

    // MARK: Processes

    /// `/dev/fuse`'s mode before ``startAll()``, when it had to be opened up.
    var savedFuseMode: mode_t?

    /// fusermount3 opens `/dev/fuse` with the *user's* rights (it drops privileges for
    /// that), so a user's sshfs needs the device world-readable and -writable, as udev makes
    /// it on Debian (0666). Containers often leave it 0600: open it up for the test and put
    /// the old mode back in ``tearDown()``.
    func openUpFuseDevice() throws {
        var info = stat()
        guard stat("/dev/fuse", &info) == 0 else { throw SharesTestError("no /dev/fuse") }
        let mode = info.st_mode & 0o7777
        guard mode & 0o006 != 0o006 else { return }
        guard chmod("/dev/fuse", mode | 0o666) == 0 else { throw SharesTestError("chmod /dev/fuse: errno \(errno)") }
        savedFuseMode = mode
    }

    func startAll() async throws {
        try openUpFuseDevice()
        xvfb = try await ChildProcess.start(ChildProcessConfiguration(
            executable: "/usr/bin/Xvfb", arguments: [":\(userDisplay)", "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
            environment: .exactly(["PATH": SharesBinaries.systemPath])))
        guard await Self.waitUntil(timeout: .seconds(10), { access("/tmp/.X11-unix/X\(self.userDisplay)", F_OK) == 0 }) else {
            throw SharesTestError("Xvfb :\(userDisplay) did not start")
        }
        let log = try FileDescriptor.open("\(root)/log/agent.console", .writeOnly, options: [.create, .append], permissions: [.ownerReadWrite])
        agent = try await ChildProcess.start(ChildProcessConfiguration(
            executable: SharesBinaries.agent,
            arguments: ["--config", "\(root)/vma.conf", "--foreground", "--address", "127.0.0.1"],
            environment: .exactly(["PATH": SharesBinaries.systemPath, "HOME": "/root"]),
            standardOutput: .fileDescriptor(log, closeAfterSpawn: false),
            standardError: .fileDescriptor(log, closeAfterSpawn: true)))
        guard await Self.waitUntil(timeout: .seconds(15), { Self.accepts(port: self.vmaPort) }) else {
            throw SharesTestError("qvd-vma does not listen: \(consoleLog.suffix(2000))")
        }
        try await startStub()
    }

    func startStub() async throws {
        let accounts = "user.\(login).password_hash = \(SaltedHash.make(secret: password).description)\n" + """
            vm.1.name = Shares
            vm.1.owner = \(login)
            vm.1.vma_host = 127.0.0.1
            vm.1.vma_port = \(vmaPort)
            vm.1.nx_port = \(4000 + agentDisplay)
            vm.1.blocked = 0

            """
        try write("""
            l7r.port = \(stubPort)
            l7r.address = 127.0.0.1
            l7r.use_ssl = 1
            l7r.stub.state_dir = \(root)/stub/state
            internal.l7r.timeout.vma = 3
            internal.l7r.retry.x_start = 2
            internal.l7r.poll_time.x = 0.2
            internal.l7r.timeout.x_start = 20
            internal.l7r.poll_time.vm = 0.2
            \(accounts)
            """, to: root + "/stub/stub.conf", mode: 0o600)
        let out = try FileDescriptor.open(root + "/stub/stub.out", .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
        let err = try FileDescriptor.open(root + "/stub/stub.err", .writeOnly, options: [.create, .append], permissions: [.ownerReadWrite])
        stub = try await ChildProcess.start(ChildProcessConfiguration(
            executable: SharesBinaries.stub, arguments: ["serve", "--config", root + "/stub/stub.conf", "--log-level", "DEBUG"],
            environment: .exactly(["PATH": SharesBinaries.systemPath, "HOME": root + "/stub"]),
            standardOutput: .fileDescriptor(out, closeAfterSpawn: true),
            standardError: .fileDescriptor(err, closeAfterSpawn: true)))
        guard await Self.waitUntil(timeout: .seconds(15), { Self.accepts(port: self.stubPort) }) else {
            throw SharesTestError("qvd-l7r-stub does not listen")
        }
        let printed = (try? String(contentsOfFile: root + "/stub/stub.out", encoding: .utf8)) ?? ""
        guard let line = printed.split(separator: "\n").first(where: { $0.hasPrefix("certificate SHA-256 fingerprint: ") }) else {
            throw SharesTestError("the stub printed no fingerprint: \(printed)")
        }
        pin = "sha256:" + line.dropFirst("certificate SHA-256 fingerprint: ".count).filter { $0 != ":" }.lowercased()
    }

    /// Starts `qvdclient` for VM 1; its output goes to `client.log`.
    func startClient() async throws {
        let log = try FileDescriptor.open(root + "/client.log", .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
        client = try await ChildProcess.start(ChildProcessConfiguration(
            executable: SharesBinaries.client,
            arguments: ["-h", "127.0.0.1", "-p", String(stubPort), "-u", login, "-s", "1", "--pin", pin, "-g", "800x600",
                        "--password-stdin"],
            environment: .exactly(["HOME": clientHome, "DISPLAY": ":\(userDisplay)", "PATH": SharesBinaries.systemPath]),
            standardInput: .text(password + "\n"),
            standardOutput: .fileDescriptor(log, closeAfterSpawn: false),
            standardError: .fileDescriptor(log, closeAfterSpawn: true)))
    }

    /// nxproxy's slave port, as qvdclient saved it in `~/.qvd/slave-port`.
    func clientSlavePort() throws -> Int {
        let text = try String(contentsOfFile: clientHome + "/.qvd/slave-port", encoding: .utf8)
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw SharesTestError("~/.qvd/slave-port holds \"\(text)\"")
        }
        return port
    }

    /// The session's slave key, as qvdclient saved it in `~/.qvd/slave-key`.
    func clientSlaveKey() throws -> String {
        try String(contentsOfFile: clientHome + "/.qvd/slave-key", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var clientLog: String { (try? String(contentsOfFile: root + "/client.log", encoding: .utf8)) ?? "" }
    var consoleLog: String { (try? String(contentsOfFile: root + "/log/agent.console", encoding: .utf8)) ?? "" }
    var slaveServerLog: String { (try? String(contentsOfFile: root + "/vmlog/slaveserver.log", encoding: .utf8)) ?? "" }
    var opened: [String] {
        ((try? String(contentsOfFile: openedRecord, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    var diagnostics: String {
        "client:\n\(clientLog.suffix(3000))\nagent:\n\(consoleLog.suffix(3000))\nslave server:\n\(slaveServerLog.suffix(3000))"
            + "\nsshfs:\n\(((try? String(contentsOfFile: root + "/vmlog/sshfs.log", encoding: .utf8)) ?? "").suffix(2000))"
    }

    // MARK: The VM side

    /// Runs `script` with `/bin/sh` as the VM user (FUSE mounts are visible to their owner only).
    func asVMUser(_ script: String, timeout: Duration = .seconds(120)) async throws -> ChildProcessResult {
        try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/usr/sbin/runuser", arguments: ["-u", login, "--", "/bin/sh", "-c", script],
            environment: .exactly(["PATH": SharesBinaries.systemPath, "HOME": vmHome, "LANG": "C.UTF-8"]),
            workingDirectory: "/",
            standardOutput: .collect(limit: 1 << 20), standardError: .collect(limit: 1 << 20)), timeout: timeout)
    }

    /// Runs a program on the client side (as root, in the client's HOME).
    func onClient(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(120)) async throws -> ChildProcessResult {
        try await ChildProcess.run(ChildProcessConfiguration(
            executable: executable, arguments: arguments,
            environment: .exactly(["PATH": SharesBinaries.systemPath, "HOME": clientHome, "LANG": "C.UTF-8"]),
            standardOutput: .collect(limit: 1 << 20), standardError: .collect(limit: 1 << 20)), timeout: timeout)
    }

    /// `sha256sum FILE`'s hex digest on the client side.
    func clientSHA256(_ path: String) async throws -> String {
        let result = try await onClient("/usr/bin/sha256sum", [path])
        return String(result.standardOutput?.text.prefix(64) ?? "")
    }

    func sshfsProcesses() async -> [String] {
        let result = try? await ChildProcess.run(ChildProcessConfiguration(
            executable: "/usr/bin/pgrep", arguments: ["-u", login, "-a", "sshfs"],
            standardOutput: .collect(limit: 65536), standardError: .discard), timeout: .seconds(5))
        return (result?.standardOutput?.text ?? "").split(separator: "\n").map(String.init)
    }

    /// The mount points under the VM user's `~/Redirected` in `/proc/self/mounts`.
    var redirectedMounts: [String] {
        let prefix = redirected.replacingOccurrences(of: " ", with: "\\040") + "/"
        return ((try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? "")
            .split(separator: "\n")
            .compactMap { $0.split(separator: " ").dropFirst().first.map(String.init) }
            .filter { $0.hasPrefix(prefix) }
            .map { String($0.dropFirst(prefix.count)).replacingOccurrences(of: "\\040", with: " ") }
            .sorted()
    }

    // MARK: Tear-down

    func tearDown() async {
        close(probeListener)
        if let client { _ = try? await client.terminate(grace: .seconds(2)) }
        // qvdclient's share children (and nxproxy) outlive a SIGKILLed client: end every
        // process whose command line names this rig's directory, by pid.
        let leftovers = try? await ChildProcess.run(ChildProcessConfiguration(
            executable: "/usr/bin/pgrep", arguments: ["-f", root], standardOutput: .collect(limit: 65536), standardError: .discard),
            timeout: .seconds(5))
        for pid in (leftovers?.standardOutput?.text ?? "").split(separator: "\n").compactMap({ Int32($0) }) where pid != getpid() {
            kill(pid, SIGKILL)
        }
        for name in redirectedMounts {
            _ = try? await ChildProcess.run(ChildProcessConfiguration(
                executable: "/usr/bin/fusermount3", arguments: ["-u", "-z", redirected + "/" + name], standardError: .discard),
                timeout: .seconds(10))
        }
        if let pid = (try? String(contentsOfFile: "\(root)/run/nxagent.pid", encoding: .utf8))
            .flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
            kill(pid, SIGKILL)
        }
        if let agent { _ = try? await agent.terminate(grace: .seconds(3)) }
        if let stub { _ = try? await stub.terminate(grace: .seconds(2)) }
        if let xvfb { _ = try? await xvfb.terminate(grace: .seconds(1)) }
        // What the throw-away user still runs (the X session, sshfs), then the account.
        await SessionUserCleanup.remove(user: login, display: agentDisplay)
        try? FileManager.default.removeItem(atPath: root)
        if let savedFuseMode { chmod("/dev/fuse", savedFuseMode) }
    }

    // MARK: Network helpers

    static func waitUntil(timeout: Duration, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now > deadline { return false }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return true
    }

    static func loopback(port: Int) -> sockaddr_in { TestNetwork.loopback(port: port) }
    static func listen() throws -> (Int32, Int) { try TestNetwork.listen() }
    static func freePort() throws -> Int { try TestNetwork.freePort() }
    static func portIsFree(_ port: Int) -> Bool { TestNetwork.portIsFree(port) }
    static func accepts(port: Int) -> Bool { TestNetwork.accepts(port: port) }
    static func freeDisplay(from start: Int, avoiding taken: Set<Int> = []) -> Int {
        TestNetwork.freeDisplay(from: start, avoiding: taken)
    }
}

struct SharesTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
