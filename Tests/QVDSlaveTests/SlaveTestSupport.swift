#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QVDCore
import QVDSlave
import SystemPackage
import Testing

/// Shared pieces of the slave tests: the built programs, a temporary home with a key and a
/// `vma.conf`, and a slave-server process driven the way nxagent/nxproxy drive it (a fresh
/// process per connection, the stream on stdin/stdout of a socketpair).
enum SlaveTestSupport {
    /// Swift Testing runs inside `.build/<config>/`, beside the built programs.
    static var binDirectory: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    }

    static var vmaServer: String { binDirectory + "/qvd-vma-slaveserver" }
    static var clientServer: String { binDirectory + "/qvd-client-slaveserver" }
    static var slaveClient: String { binDirectory + "/qvd-slaveclient" }

    static let key = "K3yOfSixtyFourCharsAbcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHI"

    /// Whether real FUSE mounts can be made here (root, /dev/fuse, sshfs, sftp-server).
    static var canMount: Bool {
        getuid() == 0 && access("/dev/fuse", R_OK | W_OK) == 0
            && access("/usr/bin/sshfs", X_OK) == 0 && access("/usr/lib/openssh/sftp-server", X_OK) == 0
            && ExecutableSearch.fusermount(path: nil) != nil
    }

    static func makeTemporaryDirectory(_ label: String) throws -> String {
        var template = Array("/tmp/qvd-slave-\(label)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        return String(cString: made)
    }

    static func write(_ text: String, to path: String, mode: mode_t = 0o600) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, mode)
    }

    /// Runs blocking work on a plain thread, so the concurrency pool stays free for the
    /// child-process monitors.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    /// A connected pair of stream sockets: `[ours, theirs]`.
    static func socketPair() throws -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw TestFailure("socketpair: \(String(cString: strerror(errno)))")
        }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fds[0], SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return (fds[0], fds[1])
    }

    static func waitUntil(timeout: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now > deadline { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return true
    }

    /// Whether `path` is in `/proc/self/mounts` (which writes a space as `\040`).
    static func isMountPoint(_ path: String) -> Bool {
        let escaped = path.replacingOccurrences(of: "\\", with: "\\134").replacingOccurrences(of: " ", with: "\\040")
        return ((try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? "")
            .split(separator: "\n")
            .contains { $0.split(separator: " ").dropFirst().first.map { String($0) == escaped } ?? false }
    }

    static func unmount(_ path: String) async {
        guard let program = ExecutableSearch.fusermount(path: nil) else { return }
        _ = try? await ChildProcess.run(ChildProcessConfiguration(executable: program, arguments: ["-u", "-z", path]),
                                        timeout: .seconds(10))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A temporary VM home: `$HOME`, the key file, a `vma.conf`, a fake opener that records
/// its argv (it stands in for xdg-open: there is no desktop here), and the log.
final class VMTestHome: Sendable {
    let root: String
    let home: String
    let keyFile: String
    let configFile: String
    let openerRecord: String
    let logFile: String

    init(extraConfig: String = "") throws {
        root = try SlaveTestSupport.makeTemporaryDirectory("vm")
        home = root + "/home"
        mkdir(home, 0o755)
        keyFile = root + "/slave.conf"
        try SlaveTestSupport.write(SlaveTestSupport.key, to: keyFile)
        openerRecord = root + "/opened.txt"
        let opener = root + "/fake-xdg-open"
        try SlaveTestSupport.write("#!/bin/sh\nprintf '%s|%s\\n' \"$DISPLAY\" \"$*\" >> '\(openerRecord)'\n", to: opener, mode: 0o755)
        logFile = root + "/slaveserver.log"
        configFile = root + "/vma.conf"
        try SlaveTestSupport.write("""
            internal.vma.slave.config = \(keyFile)
            command.open_file = \(opener)
            command.sshfs = /usr/bin/sshfs
            vma-slaveserver.log.filename = \(logFile)
            log.level = DEBUG
            \(extraConfig)
            """, to: configFile)
    }

    var redirected: String { home + "/Redirected" }

    var environment: [String: String] {
        ["HOME": home, "PATH": ChildProcessEnvironment.defaultPath, "QVD_VMA_CONFIG": configFile, "DISPLAY": ":77"]
    }

    func openedLines() -> [String] {
        ((try? String(contentsOfFile: openerRecord, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func log() -> String {
        (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
    }

    func cleanUp() async {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: redirected)) ?? [] {
            let path = redirected + "/" + entry
            if SlaveTestSupport.isMountPoint(path) { await SlaveTestSupport.unmount(path) }
        }
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// One slave-server process with its stream on a socketpair, as nxagent starts it.
final class SlaveServerProcess: @unchecked Sendable {
    let handle: ChildProcessHandle
    let socket: Int32
    let stream: SlaveStream

    init(program: String, environment: [String: String], workingDirectory: String? = nil) async throws {
        let (ours, theirs) = try SlaveTestSupport.socketPair()
        handle = try await ChildProcess.start(ChildProcessConfiguration(
            executable: program, environment: .exactly(environment), workingDirectory: workingDirectory,
            standardInput: .fileDescriptor(FileDescriptor(rawValue: theirs), closeAfterSpawn: false),
            standardOutput: .fileDescriptor(FileDescriptor(rawValue: theirs), closeAfterSpawn: false),
            standardError: .discard))
        close(theirs)
        socket = ours
        stream = SlaveStream(socket: ours)
    }

    /// Sends `request` (raw bytes) and reads one response.
    func exchange(_ request: String) async throws -> (head: HTTPResponseHead, body: String) {
        let stream = stream
        return try await SlaveTestSupport.offPool {
            try stream.write(Array(request.utf8))
            guard case .head(let head) = try stream.readResponseHead() else {
                throw TestFailure("no response head")
            }
            let body = try stream.readBody(count: head.bodyLength)
            return (head, String(decoding: body, as: UTF8.self))
        }
    }

    /// Whether the server closed the stream (reads end of file).
    func readsEndOfStream() async throws -> Bool {
        let socket = socket
        return try await SlaveTestSupport.offPool {
            var byte: UInt8 = 0
            return read(socket, &byte, 1) == 0
        }
    }

    /// Closes our end and waits for the process (killing it after `timeout`).
    func finish(timeout: Duration = .seconds(10)) async -> ChildProcessResult? {
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
        let exited = await SlaveTestSupport.waitUntil(timeout: timeout) { !handle.isRunning }
        if !exited { return try? await handle.terminate(grace: .seconds(1)) }
        return try? await handle.wait()
    }
}

extension String {
    /// A request head with CR LF line ends and the key, for the raw-request tests.
    static func request(_ line: String, _ headers: [String] = [], key: String? = SlaveTestSupport.key) -> String {
        var lines = [line]
        if let key { lines.append("Authorization: Basic \(key)") }
        lines += headers
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }
}
