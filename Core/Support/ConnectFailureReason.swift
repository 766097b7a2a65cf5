#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NIOCore
import NIOPosix

/// Why a TCP connect failed, in a few words (`connection refused`, `timed out`), for the
/// one-line errors of the client and the stub: NIO's own description nests every attempt's
/// error and repeats the address.
public enum ConnectFailureReason {
    public static func describe(_ error: any Error) -> String {
        if let failure = error as? NIOConnectionError {
            if let dns = failure.dnsAError ?? failure.dnsAAAAError { return "cannot resolve \(failure.host): \(dns)" }
            guard let first = failure.connectionErrors.first else { return "no address for \(failure.host)" }
            return describe(first.error)
        }
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
        if let channel = error as? ChannelError, case .connectTimeout = channel { return "timed out" }
        return "\(error)"
    }
}
