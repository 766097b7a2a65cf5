import Foundation
import NIOPosix
import QVDCore
import QVDL7RStub
import SystemPackage
#if canImport(Glibc)
import Glibc
import QVDTestSupport
#endif

/// The whole path on one machine, every piece a real process: an Xvfb standing for the
/// user's screen; the built `qvd-vma` with a temp configuration, the real nxagent and an X
/// session that paints the root window `colour` and runs an `xclock`; the built
/// `qvd-l7r-stub` with TLS, one user and VM 1 pointing at the agent. The user's login is
/// `alice` plus random digits: the agent provisions a system account of that name (as
/// upstream's VMA does for `qvd.vm.user.name`), which `tearDown()` removes with everything
/// else (processes by pid, temp files).
final class EndToEndSessionRig: @unchecked Sendable {
    /// `#rrggbb` for `xsetroot` and the `srgb(r,g,b)` ImageMagick prints for it.
    static let colour = (hex: "#2e5f8a", srgb: "srgb(46,95,138)")

    let root: String
    let login: String
    let password = "alice-e2e-password"
    let vmaPort: Int
    let agentDisplay: Int
    let userDisplay: Int
    let stubPort: Int
    var xvfb: ChildProcessHandle?
    var agent: ChildProcessHandle?
    var stub: L7RStubProcess?
    var clients: [ChildProcessHandle] = []

    init() throws {
        var template = Array("/tmp/qvd-e2e-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw EndToEndError("mkdtemp failed: errno \(errno)") }
        root = String(cString: made)
        chmod(root, 0o755)
        login = "alice\(UInt32.random(in: 100_000...999_999))"
        vmaPort = try TestNetwork.freePort()
        stubPort = try TestNetwork.freePort()
        agentDisplay = TestNetwork.freeDisplay(from: 500)
        userDisplay = TestNetwork.freeDisplay(from: 500, avoiding: [agentDisplay])
        for sub in ["run", "log", "home", "hooks.d", "bin", "stub", "client-home"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(sub)", withIntermediateDirectories: true)
        }
        let session = "\(root)/bin/xsession.sh"
        try """
            #!/bin/sh
            # The VM's desktop: a known colour and a clock.
            xsetroot -solid '\(Self.colour.hex)'
            xclock -geometry 120x120+5+5 &
            exec sleep 100000
            """.write(toFile: session, atomically: true, encoding: .utf8)
        chmod(session, 0o755)
        try """
            path.run = \(root)/run
            path.log = \(root)/log
            vma.pid_file = \(root)/run/vma.pid
            internal.vm.port.vma = \(vmaPort)
            internal.nxagent.display = \(agentDisplay)
            command.x-session = \(session)
            vma.user.home.path = \(root)/home
            vma.user.home.drive =
            vma.user.default.groups =
            vma.hook.directory = \(root)/hooks.d
            vma.slave.enable = 0
            vma.audio.enable = 0
            vma.printing.enable = 0
            log.level = DEBUG

            """.write(toFile: "\(root)/vma.conf", atomically: true, encoding: .utf8)
    }

    var clientHome: String { "\(root)/client-home" }

    func client(home: String? = nil) -> QVDClientProcess {
        QVDClientProcess(home: home ?? clientHome, display: ":\(userDisplay)", password: password)
    }

    /// The client's arguments for VM `vm`, pinned to the stub's certificate.
    func clientArguments(vm: Int = 1, extra: [String] = []) throws -> [String] {
        guard let stub else { throw EndToEndError("the stub is not running") }
        return ["-h", "127.0.0.1", "-p", String(stubPort), "-u", login, "-s", String(vm), "--pin", stub.pin, "-g", "800x600"] + extra
    }

    func startAll() async throws {
        try await startUserDisplay()
        try await startAgent()
        try await startStub()
    }

    func startUserDisplay() async throws {
        xvfb = try await ChildProcess.start(ChildProcessConfiguration(
            executable: "/usr/bin/Xvfb", arguments: [":\(userDisplay)", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            environment: .exactly(["PATH": EndToEndBinaries.systemPath])))
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\(userDisplay)") {
            try await Task.sleep(for: .milliseconds(50))
        }
        guard FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\(userDisplay)") else {
            throw EndToEndError("Xvfb :\(userDisplay) did not start")
        }
    }

    func startAgent() async throws {
        let log = try FileDescriptor.open("\(root)/log/agent.console", .writeOnly, options: [.create, .append], permissions: [.ownerReadWrite])
        agent = try await ChildProcess.start(ChildProcessConfiguration(
            executable: EndToEndBinaries.agent,
            arguments: ["--config", "\(root)/vma.conf", "--foreground", "--address", "127.0.0.1"],
            environment: .exactly(["PATH": EndToEndBinaries.systemPath, "HOME": "/root"]),
            standardOutput: .fileDescriptor(log, closeAfterSpawn: false),
            standardError: .fileDescriptor(log, closeAfterSpawn: true)))
        try await TestNetwork.waitUntilListening(port: vmaPort)
    }

    func startStub() async throws {
        let accounts = L7RStubProcess.accounts(login: login, password: password, machines: [
            L7RStubProcess.machine(id: 1, name: "Desktop-1", owner: login, vmaPort: vmaPort, nxPort: 4000 + agentDisplay),
        ])
        stub = try await L7RStubProcess.start(port: stubPort, directory: "\(root)/stub", stateDirectory: "\(root)/stub/state",
                                              accounts: accounts)
    }

    /// The agent's `x_state`, as the L7R asks it.
    func state() async throws -> String {
        let vma = VMAClient(host: "127.0.0.1", port: vmaPort, timeout: .seconds(5), group: MultiThreadedEventLoopGroup.singleton)
        guard case .success(let value) = try await vma.call("x_state", []) else { return "?" }
        return value.stringValue ?? "?"
    }

    /// Polls `x_state` until it is `target` or `timeout` passes; returns the last state seen.
    func waitForState(_ target: String, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = (try? await state()) ?? "?"
            if last == target { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        return last
    }

    /// Where nxagent's window (named `QVD`) is on the user's display: x, y, width, height.
    func agentWindow() async throws -> (x: Int, y: Int, width: Int, height: Int)? {
        let result = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/usr/bin/xwininfo", arguments: ["-display", ":\(userDisplay)", "-name", "QVD"],
            environment: .exactly(["PATH": EndToEndBinaries.systemPath]),
            standardOutput: .collect(limit: 65536), standardError: .discard), timeout: .seconds(10))
        let text = result.standardOutput?.text ?? ""
        func number(_ label: String) -> Int? {
            guard let line = text.split(separator: "\n").first(where: { $0.contains(label) }) else { return nil }
            return Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "")
        }
        guard let x = number("Absolute upper-left X:"), let y = number("Absolute upper-left Y:"),
              let width = number("Width:"), let height = number("Height:") else { return nil }
        return (x, y, width, height)
    }

    /// One pixel of the user's screen, as ImageMagick's `txt:` line (`… srgb(r,g,b)`).
    func pixel(x: Int, y: Int) async throws -> String {
        let result = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/usr/bin/import",
            arguments: ["-display", ":\(userDisplay)", "-window", "root", "-crop", "1x1+\(x)+\(y)", "txt:-"],
            environment: .exactly(["PATH": EndToEndBinaries.systemPath]),
            standardOutput: .collect(limit: 4096), standardError: .discard), timeout: .seconds(10))
        return result.standardOutput?.text.split(separator: "\n").last.map(String.init) ?? ""
    }

    /// Waits until the centre of nxagent's window shows `colour`; returns the window and
    /// the last pixel read.
    func waitForColourInAgentWindow(timeout: Duration = .seconds(20)) async throws
        -> (window: (x: Int, y: Int, width: Int, height: Int)?, pixel: String)
    {
        let deadline = ContinuousClock.now + timeout
        var window: (x: Int, y: Int, width: Int, height: Int)?
        var last = ""
        while ContinuousClock.now < deadline {
            window = try await agentWindow()
            if let window {
                last = try await pixel(x: window.x + window.width / 2, y: window.y + window.height / 2)
                if last.contains(Self.colour.srgb) { return (window, last) }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return (window, last)
    }

    var consoleLog: String { (try? String(contentsOfFile: "\(root)/log/agent.console", encoding: .utf8)) ?? "" }

    func readRunFile(_ name: String) -> String? {
        try? String(contentsOfFile: "\(root)/run/\(name)", encoding: .utf8)
    }

    /// Everything a failing test should show.
    var diagnostics: String {
        "agent console:\n\(consoleLog.suffix(4000))\nstub log:\n\(stub?.log.suffix(4000) ?? "")"
    }

    func tearDown() async {
        for client in clients.reversed() { _ = try? await client.terminate(grace: .seconds(2)) }
        if let pid = readRunFile("nxagent.pid").flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
            kill(pid, SIGKILL)
        }
        if let agent { _ = try? await agent.terminate(grace: .seconds(3)) }
        await stub?.stop()
        if let xvfb { _ = try? await xvfb.terminate(grace: .seconds(1)) }
        // The X session (xinit, xclock, sleep) runs as the provisioned user in its own session.
        await SessionUserCleanup.remove(user: login, display: agentDisplay)
        try? FileManager.default.removeItem(atPath: root)
    }
}
