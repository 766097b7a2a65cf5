#if canImport(Glibc)
import Glibc
#endif

/// Loopback ports and X displays for the tests that start real servers and X sessions:
/// free ones to use, a listening socket, and whether a port accepts connections yet. One
/// place for every test target (the agent's, the slave channel's and the end-to-end ones).
public enum TestNetwork {
    /// A TCP port nobody listens on now (the kernel's choice; released at once).
    public static func freePort() throws(TestSupportError) -> Int {
        let (fd, port) = try listen()
        close(fd)
        return port
    }

    /// A listening loopback socket on a kernel-chosen port (close-on-exec).
    public static func listen(backlog: Int32 = 4) throws(TestSupportError) -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket() failed: errno \(errno)") }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, Glibc.listen(fd, backlog) == 0 else {
            close(fd)
            throw TestSupportError("cannot listen on a loopback port: errno \(errno)")
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A display whose X socket, lock file, NX port (4000 + n) and NX slave port
    /// (11000 + n) are all free, searched from a random point at or after `start` so that
    /// tests running in parallel rarely pick the same one.
    public static func freeDisplay(from start: Int, avoiding taken: Set<Int> = []) -> Int {
        var candidate = start + Int.random(in: 0..<300)
        while taken.contains(candidate)
            || access("/tmp/.X11-unix/X\(candidate)", F_OK) == 0
            || access("/tmp/.X\(candidate)-lock", F_OK) == 0
            || !portIsFree(4000 + candidate) || !portIsFree(11000 + candidate) {
            candidate += 1
        }
        return candidate
    }

    /// Whether `port` can be bound on every address (nobody listens on it).
    public static func portIsFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Whether something accepts TCP connections on `127.0.0.1:port`.
    public static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Waits up to `timeout` until `port` accepts connections.
    public static func waitUntilListening(port: Int, timeout: Duration = .seconds(15)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !accepts(port: port) {
            guard ContinuousClock.now < deadline else { throw TestSupportError("nothing listens on 127.0.0.1:\(port) after \(timeout)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// `127.0.0.1:port` as a socket address.
    public static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return address
    }
}

/// What went wrong in a test's own plumbing (not in the code under test).
public struct TestSupportError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
