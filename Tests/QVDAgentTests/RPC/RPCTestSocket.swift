#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(fd, address, length)
}

private func systemSend(_ fd: Int32, _ pointer: UnsafeRawPointer?, _ count: Int) -> Int {
    send(fd, pointer, count, Int32(MSG_NOSIGNAL))
}

/// A raw TCP client socket for the RPC server tests: real loopback sockets, exact bytes,
/// and no blocking call ever (non-blocking I/O polled with short sleeps), so tests never
/// starve the cooperative thread pool the server's calls run on.
final class RPCTestSocket {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// What `read` saw.
    struct Received: Sendable, Equatable {
        var bytes: [UInt8]
        /// The server closed (EOF) or reset the connection.
        var closed: Bool
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    let fd: Int32
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 16_384)
    private(set) var sawEOF = false

    private init(fd: Int32) {
        self.fd = fd
    }

    deinit {
        close(fd)
    }

    /// Connects to `host` (an IPv4 or IPv6 literal) port `port`, without blocking.
    static func connect(
        port: Int,
        host: String = "127.0.0.1",
        timeout: Duration = .seconds(5)
    ) async throws -> RPCTestSocket {
        let isV6 = host.contains(":")
        let fd = socket(isV6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        let socket = RPCTestSocket(fd: fd)
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        var noDelay: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))

        let result: Int32
        if isV6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else {
                throw Failure(description: "bad IPv6 address \(host)")
            }
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
                throw Failure(description: "bad IPv4 address \(host)")
            }
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        if result == 0 { return socket }
        guard errno == EINPROGRESS else {
            throw Failure(description: "connect to \(host):\(port) failed: errno \(errno)")
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var pollFD = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            if poll(&pollFD, 1, 0) == 1 {
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                guard error == 0 else {
                    throw Failure(description: "connect to \(host):\(port) failed: errno \(error)")
                }
                return socket
            }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw Failure(description: "connect to \(host):\(port) timed out")
    }

    /// Sends every byte (waiting while the socket buffer is full). Returns false when the
    /// peer closed the connection.
    @discardableResult
    func send(_ bytes: [UInt8], timeout: Duration = .seconds(5)) async throws -> Bool {
        var offset = 0
        let deadline = ContinuousClock.now + timeout
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                systemSend(fd, $0.baseAddress, $0.count)
            }
            if sent > 0 {
                offset += sent
                continue
            }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                guard ContinuousClock.now < deadline else { throw Failure(description: "send timed out") }
                try await Task.sleep(for: .milliseconds(1))
                continue
            }
            if errno == EPIPE || errno == ECONNRESET { return false }
            throw Failure(description: "send failed: errno \(errno)")
        }
        return true
    }

    @discardableResult
    func send(_ text: String) async throws -> Bool {
        try await send(Array(text.utf8))
    }

    /// Shuts our sending side (the server sees end of input).
    func shutdownWrite() {
        _ = shutdown(fd, Int32(SHUT_WR))
    }

    /// Reads what is there without waiting; true when something new arrived or the
    /// connection ended.
    private func pump() -> Bool {
        var progressed = false
        while !sawEOF {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                buffer += chunk[0..<count]
                progressed = true
            } else if count == 0 {
                sawEOF = true
                progressed = true
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                break
            } else {
                // ECONNRESET and friends: the connection is gone.
                sawEOF = true
                progressed = true
            }
        }
        return progressed
    }

    /// Waits until `done(bytes so far)`, the end of the connection, or `timeout`; returns
    /// (and consumes) everything received.
    func read(timeout: Duration = .seconds(5), until done: ([UInt8]) -> Bool) async throws -> Received {
        let deadline = ContinuousClock.now + timeout
        while true {
            _ = pump()
            if sawEOF || done(buffer) || ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(1))
        }
        let received = Received(bytes: buffer, closed: sawEOF)
        buffer = []
        return received
    }

    /// Reads until the connection ends (or `timeout`).
    func readUntilClosed(timeout: Duration = .seconds(5)) async throws -> Received {
        try await read(timeout: timeout) { _ in false }
    }

    /// Reads until `count` complete responses arrived (1xx heads count), the connection
    /// ended, or `timeout`.
    func readResponses(_ count: Int, timeout: Duration = .seconds(5)) async throws -> Received {
        try await read(timeout: timeout) { RPCTestResponse.split($0).responses.count >= count }
    }

    /// Whether the connection is still open with nothing unread after `wait`.
    func isOpenAndQuiet(after wait: Duration = .milliseconds(30)) async throws -> Bool {
        try await Task.sleep(for: wait)
        _ = pump()
        return !sawEOF && buffer.isEmpty
    }

    /// Bytes waiting in the kernel's receive buffer of this socket, unread (a peek).
    static func pendingBytes(fd: Int32) -> Int {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes {
            recv(fd, $0.baseAddress, $0.count, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
        }
        return max(count, 0)
    }
}

/// One HTTP response as a test client cuts it out of the received bytes.
struct RPCTestResponse: Sendable, Equatable {
    var statusLine: String
    /// Header lines as received, in order.
    var headerLines: [String]
    var body: [UInt8]
    var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The value of the first header called `name` (exact spelling).
    func header(_ name: String) -> String? {
        headerLines.first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) }
    }

    /// Cuts complete responses (head ending in CR LF CR LF; body by Content-Length; none
    /// for 1xx) from `bytes`; `rest` is what is left.
    static func split(_ bytes: [UInt8]) -> (responses: [RPCTestResponse], rest: [UInt8]) {
        var responses: [RPCTestResponse] = []
        var start = 0
        let terminator: [UInt8] = [13, 10, 13, 10]
        while true {
            guard let headEnd = firstIndex(of: terminator, in: bytes, from: start) else { break }
            let head = String(decoding: bytes[start..<headEnd], as: UTF8.self)
            var lines = head.components(separatedByCRLF: ())
            guard !lines.isEmpty else { break }
            let statusLine = lines.removeFirst()
            var response = RPCTestResponse(statusLine: statusLine, headerLines: lines, body: [])
            let isInterim = statusLine.hasPrefix("HTTP/1.1 1")
            let length = isInterim ? 0 : (response.header("Content-Length").flatMap { Int($0) } ?? 0)
            let bodyStart = headEnd + 4
            guard bytes.count >= bodyStart + length else { break }
            response.body = Array(bytes[bodyStart..<(bodyStart + length)])
            responses.append(response)
            start = bodyStart + length
        }
        return (responses, Array(bytes[start...]))
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + needle.count <= haystack.count {
            var matches = true
            for offset in 0..<needle.count where haystack[index + offset] != needle[offset] {
                matches = false
                break
            }
            if matches { return index }
            index += 1
        }
        return nil
    }
}

extension String {
    /// Lines split at CR LF.
    fileprivate func components(separatedByCRLF: Void) -> [String] {
        var lines: [String] = []
        var current: [UInt8] = []
        let bytes = Array(utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 13, index + 1 < bytes.count, bytes[index + 1] == 10 {
                lines.append(String(decoding: current, as: UTF8.self))
                current = []
                index += 2
            } else {
                current.append(bytes[index])
                index += 1
            }
        }
        lines.append(String(decoding: current, as: UTF8.self))
        return lines
    }
}
