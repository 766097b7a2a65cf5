import Foundation
import Logging
import SystemPackage
import Testing

@testable import QVDSFTP

#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory under /tmp, removed with everything in it by `remove()`.
struct TemporaryDirectory {
    let path: String

    init(_ label: String = "qvd-sftp") throws {
        var template = Array("/tmp/\(label)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return mkdtemp(base) != nil
        }
        guard made else { throw POSIXError(.EIO) }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func sub(_ name: String) -> String { path + "/" + name }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Thread-safe box for passing a value back from a server thread.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func set(_ newValue: Value) { lock.lock(); value = newValue; lock.unlock() }
    func get() -> Value { lock.lock(); defer { lock.unlock() }; return value }
}

/// `SFTPServer.serve` running on its own thread over one end of a socketpair. The other end
/// is `clientDescriptor`. `finish()` closes it and waits for `serve` to return.
final class ServerHarness: @unchecked Sendable {
    let clientDescriptor: Int32
    private let serverDescriptor: Int32
    private let done = DispatchSemaphore(value: 0)
    private let outcome = LockedBox<Result<Void, SFTPServerError>?>(nil)
    private var finished = false

    init(root: String, readOnly: Bool = false, maxOpenHandles: Int = 256, logLevel: Logger.Level = .critical) throws {
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw POSIXError(.EIO)
        }
        clientDescriptor = fds[0]
        serverDescriptor = fds[1]
        var logger = Logger(label: "sftp-test")
        logger.logLevel = logLevel
        let server = try SFTPServer(
            configuration: SFTPServerConfiguration(root: FilePath(root), readOnly: readOnly, maxOpenHandles: maxOpenHandles),
            logger: logger)
        let fd = serverDescriptor
        let box = outcome
        let semaphore = done
        let thread = Thread {
            do throws(SFTPServerError) {
                try server.serve(input: FileDescriptor(rawValue: fd), output: FileDescriptor(rawValue: fd))
                box.set(.success(()))
            } catch {
                box.set(.failure(error))
            }
            // serve leaves the descriptors to its caller; hang up so the peer sees EOF.
            _ = shutdown(fd, Int32(SHUT_RDWR))
            semaphore.signal()
        }
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Waits up to `seconds` for `serve` to return on its own (without closing our end).
    func waitForServer(seconds: Double = 10) -> Result<Void, SFTPServerError>? {
        if done.wait(timeout: .now() + seconds) == .timedOut { return nil }
        done.signal()
        return outcome.get()
    }

    /// Closes our copy of the client end once another process holds it (sshfs).
    func releaseClientDescriptor() {
        if !finished {
            finished = true
            _ = close(clientDescriptor)
        }
    }

    /// Closes the client end and waits for `serve` to return.
    @discardableResult
    func finish() -> Result<Void, SFTPServerError>? {
        if !finished {
            finished = true
            _ = shutdown(clientDescriptor, Int32(SHUT_RDWR))
            _ = close(clientDescriptor)
        }
        let result = waitForServer()
        _ = close(serverDescriptor)
        return result
    }
}

/// A minimal blocking SFTP client over a descriptor, built on the module's own codec.
struct SFTPTestClient {
    let fd: Int32
    var nextID: UInt32 = 1
    private var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    struct ClientError: Error, CustomStringConvertible {
        let description: String
    }

    func sendRaw(_ bytes: [UInt8]) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { throw ClientError(description: "send failed: errno \(errno)") }
            done += n
        }
    }

    func send(_ request: SFTPRequest) throws {
        try sendRaw(SFTPPacketEncoder.encode(request))
    }

    /// Reads one reply; nil at EOF.
    mutating func receive() throws -> SFTPResponse? {
        while true {
            if let range = try SFTPPacketDecoder.nextPacket(in: buffer[...]) {
                let response = try SFTPPacketDecoder.decodeResponse(buffer[range])
                buffer.removeFirst(range.upperBound)
                return response
            }
            var chunk = [UInt8](repeating: 0, count: 300 * 1024)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 { throw ClientError(description: "recv failed: errno \(errno)") }
            if n == 0 { return nil }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    /// True when the server closed the connection (next read is EOF) without more replies.
    mutating func receivesEOF() throws -> Bool {
        try receive() == nil
    }

    mutating func initialize() throws -> SFTPResponse? {
        try send(.initialize(version: 3))
        return try receive()
    }

    mutating func id() -> UInt32 {
        defer { nextID += 1 }
        return nextID
    }

    /// Sends a request built with a fresh id and returns the reply.
    mutating func call(_ make: (UInt32) -> SFTPRequest) throws -> SFTPResponse {
        let request = make(id())
        try send(request)
        guard let response = try receive() else { throw ClientError(description: "connection closed") }
        return response
    }

    /// The status code of a reply, or nil if it is not a status.
    mutating func status(_ make: (UInt32) -> SFTPRequest) throws -> SFTPStatusCode? {
        if case .status(_, let code, _) = try call(make) { return code }
        return nil
    }

    mutating func openHandle(_ path: String, _ flags: SFTPOpenFlags, permissions: UInt32? = nil) throws -> [UInt8]? {
        let reply = try call { .open(id: $0, path: Array(path.utf8), flags: flags, attributes: SFTPAttributes(permissions: permissions)) }
        if case .handle(_, let handle) = reply { return handle }
        return nil
    }
}

extension SFTPResponse {
    var statusCode: SFTPStatusCode? {
        if case .status(_, let code, _) = self { return code }
        return nil
    }
}

/// Bytes of a string (paths in requests).
func b(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Runs a program and returns its exit status and combined output.
@discardableResult
func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Runs `script` with /bin/sh.
@discardableResult
func sh(_ script: String) throws -> (status: Int32, output: String) {
    try run("/bin/sh", ["-c", script])
}
