#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The NX slave channel: a TCP connection to the local slave listener (nxproxy's
/// `slave=<port>` on the client, nxagent's `11000+display` in the VM), which NX turns into
/// a fresh `NX_SLAVE_CMD` process on the other side (`upstream-slave-channel.md` §1).
public struct NXSlaveChannelTransport: SlaveTransport {
    public var port: Int

    public init(port: Int) {
        self.port = port
    }

    public var endpointDescription: String { "the slave channel on 127.0.0.1:\(port)" }

    public func openStream() throws(SlaveError) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SlaveError(.stream, "create a socket", SlaveError.errnoText()) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let reason = SlaveError.errnoText()
            close(fd)
            throw SlaveError(.stream, "connect to \(endpointDescription)",
                             "\(reason) (is qvdclient running with the slave channel enabled?)")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }
}
