/// Why a `connect_to_vm` failed after its checks: upstream's `<reason>` texts
/// (`upstream-l7r-protocol.md` §5.4 row 9). Each is answered with 503 and
/// `The requested virtual machine is not available: <reason>, retry later.`, even after 102s.
/// (The real L7R closes the socket without an answer on most of these, §8.2 item 3 of
/// `upstream-clients-observed.md`; we answer with the 503 its code intends, so that
/// clients can name the cause.)
public enum L7RConnectFailure: Error, Sendable, Hashable, CustomStringConvertible {
    case notAllowed
    case xStartFailed(vm: Int, detail: String)
    case xStartTimedOut(vm: Int)
    case xStateWent(vm: Int, state: String)
    case nxConnectFailed(vm: Int, detail: String)
    case abortedByContendingSession(vm: Int)

    /// Upstream's reason text.
    public var reason: String {
        switch self {
        case .notAllowed:
            "You are not allowed to access requested virtual machine"
        case .xStartFailed(let vm, let detail):
            "Unable to start X session on VM \(vm): \(detail)"
        case .xStartTimedOut(let vm):
            "Unable to start X session on VM \(vm), operation timed out!"
        case .xStateWent(let vm, let state):
            "Unable to start X session on VM \(vm), state went to \(state)"
        case .nxConnectFailed(let vm, let detail):
            "Unable to connect to X server  on VM VM_ID: \(vm): \(detail)"
        case .abortedByContendingSession(let vm):
            "Aborted by contending session VM VM_ID: \(vm)"
        }
    }

    /// The 503 body.
    public var responseBody: String {
        "The requested virtual machine is not available: \(reason), retry later."
    }

    public var description: String { reason }
}
