import Foundation
import QVDCore
import SystemPackage
import Testing
#if canImport(Glibc)
import Glibc
import QVDTestSupport
#endif

/// A real `qvd-vma` (the built binary) in a throw-away layout: its own run, log, hooks and
/// home directories under a temp dir, a free RPC port and a free X display, a recorder hook
/// on every hook key, and a throw-away user created by the agent's own provisioning.
/// `tearDown()` kills every process it started (by pid) and removes the user and files.
final class VMATestRig: @unchecked Sendable {
    let root: String
    let port: Int
    let display: Int
    let user: String
    var agent: ChildProcessHandle?
    var clients: [ChildProcessHandle] = []
    var clientDisplay: Int?
    let hookTimeout: Int
    let extraConfig: String
    /// Hook keys given a real program instead of the recorder (e.g. an example hook).
    let hookOverrides: [String: String]

    static var binDirectory: String {
        // Swift Testing runs inside .build/<config>/<package>PackageTests.xctest.
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    }

    static var agentBinary: String { binDirectory + "/qvd-vma" }

    /// Whether this machine can run the real NX stack (root, nxagent, nxproxy, Xvfb).
    static var canRun: Bool {
        getuid() == 0 && ["/usr/bin/nxagent", "/usr/bin/nxproxy", "/usr/bin/Xvfb", "/usr/bin/xinit"].allSatisfy {
            FileManager.default.isExecutableFile(atPath: $0)
        } && FileManager.default.isExecutableFile(atPath: agentBinary)
    }

    init(hookTimeout: Int = 10, extraConfig: String = "", sessionCommands: String = "", hookOverrides: [String: String] = [:]) throws {
        root = try Self.makeTempDirectory()
        port = try Self.freePort()
        display = Self.freeDisplay(from: 140)
        user = "qvde\(UInt32.random(in: 100_000...999_999))"
        self.hookTimeout = hookTimeout
        self.extraConfig = extraConfig
        self.hookOverrides = hookOverrides
        for sub in ["run", "log", "home", "hooks", "rec", "bin"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(sub)", withIntermediateDirectories: true)
        }
        chmod("\(root)/rec", 0o1777)
        try writeExecutable("\(root)/hooks/record.sh", """
            #!/bin/sh
            # One line per call: the hook's argv, space separated, prefixed by its pid.
            name=$(basename "$0")
            { printf '%s' "$name"; for a in "$@"; do printf ' [%s]' "$a"; done; printf '\\n'; } >> \(root)/rec/hooks.rec
            if [ -f \(root)/rec/fail-$name ]; then exit 1; fi
            if [ -f \(root)/rec/hang-$name ]; then sleep 1000; fi
            exit 0
            """)
        try writeExecutable("\(root)/bin/xsession.sh", """
            #!/bin/sh
            # The session: records who it runs as, then waits.
            id > \(root)/rec/xsession.id
            env | sort > \(root)/rec/xsession.env
            \(sessionCommands)
            exec sleep 100000
            """)
        try writeConfig()
    }

    var configPath: String { "\(root)/vma.conf" }
    var hooksRecord: String { "\(root)/rec/hooks.rec" }
    var runDirectory: String { "\(root)/run" }

    func writeConfig() throws {
        var text = """
            path.run = \(root)/run
            path.log = \(root)/log
            vma.pid_file = \(root)/run/vma.pid
            internal.vm.port.vma = \(port)
            internal.nxagent.display = \(display)
            command.x-session = \(root)/bin/xsession.sh
            vma.user.home.path = \(root)/home
            vma.user.home.drive =
            vma.user.default.groups =
            vma.hook.directory = \(root)/hooks.d
            vma.hook.timeout = \(hookTimeout)
            vma.slave.enable = 0
            vma.audio.enable = 0
            vma.printing.enable = 0
            log.level = DEBUG

            """
        for key in ["vma.on_action.pre-connect", "vma.on_action.connect", "vma.on_action.stop", "vma.on_action.disconnect",
                    "vma.on_action.suspend", "vma.on_action.poweroff", "vma.on_action.expire", "vma.on_state.connected",
                    "vma.on_state.suspended", "vma.on_state.disconnected", "vma.on_provisioning.mount_home",
                    "vma.on_provisioning.after_add_user"] {
            if let program = hookOverrides[key] {
                text += "\(key) = \(program)\n"
                continue
            }
            text += "\(key) = \(root)/hooks/\(key)\n"
            let link = "\(root)/hooks/\(key)"
            if !FileManager.default.fileExists(atPath: link) {
                try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "\(root)/hooks/record.sh")
            }
        }
        text += extraConfig
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Starts (or restarts) the agent and waits until it answers ping.
    func startAgent(environment extra: [String: String] = [:]) async throws {
        let log = try FileDescriptor.open("\(root)/log/agent.console", .writeOnly, options: [.create, .append], permissions: [.ownerReadWrite])
        agent = try await ChildProcess.start(ChildProcessConfiguration(
            executable: Self.agentBinary,
            arguments: ["--config", configPath, "--foreground", "--address", "127.0.0.1"],
            environment: .exactly(["PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "HOME": "/root"].merging(extra) { $1 }),
            standardOutput: .fileDescriptor(log, closeAfterSpawn: false),
            standardError: .fileDescriptor(log, closeAfterSpawn: false)))
        try? log.close()
        for _ in 0..<100 {
            if (try? await rpc("ping")) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw RigError("qvd-vma did not answer ping within 10 s; console: \(consoleLog)")
    }

    var consoleLog: String { (try? String(contentsOfFile: "\(root)/log/agent.console", encoding: .utf8)) ?? "" }

    /// One RPC over a new connection; returns the decoded reply. The blocking socket I/O
    /// runs on its own thread, never on Swift concurrency's few shared threads (2 here),
    /// which other suites running in parallel need.
    func rpc(_ method: String, _ query: String = "") async throws -> SimpleRPCReply {
        let target = "/vma/\(method)" + (query.isEmpty ? "" : "?\(query)")
        let port = self.port
        let response = try await RawHTTP.onThread { try RawHTTP.get(port: port, target: target) }
        guard response.status == 200 else { throw RigError("\(method): HTTP \(response.status)") }
        return try SimpleRPCReplyDecoder.decode(body: response.body)
    }

    func state() async throws -> String {
        if case .success(let value) = try await rpc("x_state") { return value.stringValue ?? "?" }
        return "?"
    }

    /// Polls x_state until it is `target` or `timeout` passes; returns the last state seen.
    @discardableResult
    func waitForState(_ target: String, timeout: Duration = .seconds(20)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = try await state()
            if last == target { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        return last
    }

    var startQuery: String {
        "qvd.vm.user.name=\(user)&qvd.client.keyboard=pc105%2Fus&qvd.client.os=linux&qvd.client.link=lan&qvd.client.geometry=1024x768&qvd.client.fullscreen=0&qvd.slave.key=SecretSlaveKey0123456789&custom.note=caf%C3%A9"
    }

    /// Starts an Xvfb for the client and `nxproxy -S` connecting to the agent's nxagent.
    func connectClient() async throws -> ChildProcessHandle {
        if clientDisplay == nil {
            let d = Self.freeDisplay(from: display + 1)
            clientDisplay = d
            let xvfb = try await ChildProcess.start(ChildProcessConfiguration(
                executable: "/usr/bin/Xvfb", arguments: [":\(d)", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                environment: .minimal))
            clients.append(xvfb)
            for _ in 0..<50 where !FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\(d)") {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        // nxagent reports "Resuming"/"Starting" a moment before its port accepts; an
        // nxproxy that found the port closed exits at once, so try again a few times.
        var proxy: ChildProcessHandle?
        for _ in 0..<5 {
            let log = try FileDescriptor.open("\(root)/log/nxproxy.log", .writeOnly, options: [.create, .append], permissions: [.ownerReadWrite])
            let started = try await ChildProcess.start(ChildProcessConfiguration(
                executable: "/usr/bin/nxproxy",
                arguments: ["-S", "nx/nx,link=lan,connect=127.0.0.1:\(display)"],
                environment: .exactly(["PATH": ChildProcessEnvironment.defaultPath, "DISPLAY": ":\(clientDisplay ?? 0)", "HOME": root]),
                standardOutput: .fileDescriptor(log, closeAfterSpawn: false),
                standardError: .fileDescriptor(log, closeAfterSpawn: false)))
            try? log.close()
            proxy = started
            try await Task.sleep(for: .milliseconds(1500))
            if started.isRunning { break }
        }
        guard let proxy else { throw RigError("nxproxy did not start") }
        clients.append(proxy)
        return proxy
    }

    func hookLines() -> [String] {
        ((try? String(contentsOfFile: hooksRecord, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Detached state hooks run in the background: waits (up to `timeout`) until `count`
    /// lines for `name` were recorded, then a little longer to catch duplicates.
    func waitForHookLines(named name: String, count: Int, timeout: Duration = .seconds(5)) async throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        while hookLines(named: name).count < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(300))
        return hookLines(named: name)
    }

    func hookLines(named name: String) -> [String] {
        hookLines().filter { $0.hasPrefix(name + " ") || $0 == name }
    }

    func readRunFile(_ name: String) -> String? {
        try? String(contentsOfFile: "\(runDirectory)/\(name)", encoding: .utf8)
    }

    func tearDown() async {
        // End the session on purpose, then the agent, then the client side.
        if let pid = readRunFile("nxagent.pid").flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
            kill(pid, SIGKILL)
        }
        if let agent { _ = try? await agent.terminate(grace: .seconds(3)) }
        for client in clients.reversed() { _ = try? await client.terminate(grace: .seconds(1)) }
        // The X session and xinit run in their own session group; kill what the user still runs.
        await SessionUserCleanup.remove(user: user)
        try? FileManager.default.removeItem(atPath: root)
    }

    // MARK: helpers

    func writeExecutable(_ path: String, _ text: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }

    static func makeTempDirectory() throws -> String {
        var template = Array("/tmp/qvd-vma-e2e-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw RigError("mkdtemp failed") }
        chmod(made, 0o755)
        return String(cString: made)
    }

    static func freePort() throws -> Int { try TestNetwork.freePort() }
    static func freeDisplay(from start: Int) -> Int { TestNetwork.freeDisplay(from: start) }
    static func portIsFree(_ port: Int) -> Bool { TestNetwork.portIsFree(port) }
}

struct RigError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A minimal blocking HTTP/1.1 GET for tests: one request per connection, reads the head and
/// a Content-Length body.
enum RawHTTP {
    /// Runs blocking work on a dedicated thread.
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    struct Response {
        var status: Int
        var head: String
        var body: [UInt8]
    }

    static func get(port: Int, target: String, timeoutSeconds: Int = 15) throws -> Response {
        try exchange(port: port, request: Array("GET \(target) HTTP/1.1\r\n\r\n".utf8), timeoutSeconds: timeoutSeconds)
    }

    static func exchange(port: Int, request: [UInt8], timeoutSeconds: Int = 15) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RigError("socket failed") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw RigError("connect to port \(port) failed") }
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
            if let response = parse(received) { return response }
        }
        if let response = parse(received) { return response }
        throw RigError("incomplete response: \(String(decoding: received, as: UTF8.self))")
    }

    static func parse(_ bytes: [UInt8]) -> Response? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first else { return nil }
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        if status == 102 || status == 101 { return Response(status: status, head: head, body: Array(bytes[(end + 4)...])) }
        let length = lines.dropFirst().compactMap { line -> Int? in
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2, pair[0].lowercased() == "content-length" else { return nil }
            return Int(pair[1].trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        let bodyStart = end + 4
        guard bytes.count >= bodyStart + length else { return nil }
        return Response(status: status, head: head, body: Array(bytes[bodyStart..<(bodyStart + length)]))
    }
}
