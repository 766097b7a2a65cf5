/// Why an NX session ended (all are clean ends: exit status 0).
public enum SessionEnd: Sendable, Hashable, CustomStringConvertible {
    /// The L7R (or the VM behind it) closed the TLS stream.
    case serverClosed
    /// The local NX proxy closed its connection.
    case localClosed
    /// The local NX proxy exited; the text says how.
    case nxproxyExited(String)
    /// The user pressed Ctrl-C (or a SIGTERM arrived).
    case interrupted

    public var description: String {
        switch self {
        case .serverClosed: "the server closed the session"
        case .localClosed: "nxproxy closed the session"
        case .nxproxyExited(let how): how
        case .interrupted: "interrupted; session suspended"
        }
    }
}
