#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The signals the VMA sends to nxagent or to the X session launcher (`upstream-vma.md` §10).
public enum SessionSignal: Hashable, Sendable, CustomStringConvertible {
    /// HUP: nxagent toggles between suspended and resumed (suspend, resume, takeover).
    case hangUp
    /// TERM: stop (x_stop, timeouts).
    case terminate
    /// KILL: the stop grace period is over.
    case kill

    public var signalNumber: Int32 {
        switch self {
        case .hangUp: SIGHUP
        case .terminate: SIGTERM
        case .kill: SIGKILL
        }
    }

    public var description: String {
        switch self {
        case .hangUp: "HUP"
        case .terminate: "TERM"
        case .kill: "KILL"
        }
    }
}
