import QVDCore

/// What the stub decided to do with one request (`L7RRouter.route`): answer at once, or run
/// one of the endpoints that need the VM runtime.
public enum L7RRoute: Sendable, Hashable {
    /// A final answer with a `text/plain` body: `message`, or the status's default text.
    /// `challenge` adds `WWW-Authenticate: Basic realm="QVD"` (401).
    case error(status: HTTPStatus, message: String?, challenge: Bool)
    /// `200 text/plain "I am alive!\r\n"`.
    case ping
    /// The user's VMs as JSON; `applications` selects `list_of_applications`.
    case listOfVM(login: String, applications: Bool)
    /// `stop_vm` of a VM the user owns.
    case stopVM(L7RVirtualMachine)
    /// `connect_to_vm` that passed the checks.
    case connect(L7RConnectRequest)

    /// The 401 every failed login gets (`upstream-l7r-protocol.md` §3.1).
    public static let unauthorized = L7RRoute.error(status: .unauthorized, message: nil, challenge: true)

    /// The 404 of an unknown path or method.
    public static let notFound = L7RRoute.error(status: .notFound, message: nil, challenge: false)
}
