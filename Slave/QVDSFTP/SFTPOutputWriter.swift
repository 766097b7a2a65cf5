#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Writes reply bytes to the output descriptor: whole buffer per call, `MSG_NOSIGNAL` on
/// sockets, waits on a non-blocking descriptor.
struct SFTPOutputWriter {
    let descriptor: Int32
    private var isSocket: Bool

    init(_ output: FileDescriptor) {
        descriptor = output.rawValue
        var st = stat()
        isSocket = fstat(descriptor, &st) == 0 && st.st_mode & S_IFMT == S_IFSOCK
    }

    /// Writes and empties `bytes`. Returns false if the peer has gone (EPIPE/ECONNRESET).
    mutating func write(_ bytes: inout [UInt8]) throws(SFTPServerError) -> Bool {
        defer { bytes.removeAll(keepingCapacity: true) }
        var failure: Int32 = 0
        let fd = descriptor
        let socket = isSocket
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var done = 0
            while done < raw.count {
                let n = socket
                    ? send(fd, base + done, raw.count - done, Int32(MSG_NOSIGNAL))
                    : Glibc.write(fd, base + done, raw.count - done)
                if n > 0 {
                    done += n
                    continue
                }
                let error = n == 0 ? EIO : errno
                switch error {
                case EINTR:
                    continue
                case EAGAIN, EWOULDBLOCK:
                    var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&poller, 1, -1)
                default:
                    failure = error
                    return
                }
            }
        }
        switch failure {
        case 0: return true
        case EPIPE, ECONNRESET: return false
        default: throw SFTPServerError(.write, subject: "fd \(descriptor)", errno: Errno(rawValue: failure))
        }
    }
}
