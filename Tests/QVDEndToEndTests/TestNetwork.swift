import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Loopback ports and X displays for the end-to-end tests: free ones to use, and whether a
/// port accepts connections yet.
enum TestNetwork {
    /// A TCP port nobody listens on now (the kernel's choice; released at once).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw EndToEndError("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw EndToEndError("no free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A display whose X socket, lock file and NX port (4000 + display) are all free,
    /// searched from a random point at or after `start`.
    static func freeDisplay(from start: Int, avoiding taken: Set<Int> = []) -> Int {
        var candidate = start + Int.random(in: 0..<300)
        while taken.contains(candidate)
            || FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\(candidate)")
            || FileManager.default.fileExists(atPath: "/tmp/.X\(candidate)-lock")
            || !portIsFree(4000 + candidate) {
            candidate += 1
        }
        return candidate
    }

    /// Whether `port` can be bound on every address (nobody listens on it).
    static func portIsFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Whether something accepts TCP connections on `127.0.0.1:port`.
    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Waits up to `timeout` until `port` accepts connections.
    static func waitUntilListening(port: Int, timeout: Duration = .seconds(15)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !accepts(port: port) {
            guard ContinuousClock.now < deadline else { throw EndToEndError("nothing listens on 127.0.0.1:\(port) after \(timeout)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return address
    }
}
