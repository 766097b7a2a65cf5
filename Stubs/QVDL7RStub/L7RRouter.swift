import QVDCore

/// Decides the answer to a request head, in upstream's check order, without any I/O.
///
/// Orders (`upstream-l7r-protocol.md` §5.4, §7, §10; `upstream-clients-observed.md` §8.2 item 7):
/// * only `GET` on the four paths (plus `list_of_applications`); anything else 404;
/// * `ping`: no authentication;
/// * `list_of_vm`: 401, then 200;
/// * `connect_to_vm`: 401; 426 unless `Connection` is exactly `Upgrade` and `Upgrade`
///   exactly `QVD/1.0` (names matched case-sensitively, blanks trimmed); 422
///   `parameter id is missing`; 403 `Invalid parameters <names>` for names other than `id`,
///   `qvd.client.*`, `custom.*`; 404 `The requested virtual machine does not exist`; 403
///   `The requested virtual machine is offline for maintenance`; 503 `…not available: You
///   are not allowed to access requested virtual machine, retry later.` for another user's VM.
///   The real L7R garbles the 404/403 bodies (§8.2 item 2); we send the intended ones.
/// * `stop_vm`: 401, 422, 404, 403 `You are not allowed to access requested virtual machine`.
///
/// The node checks (503 `Host is not registered…`, `Server is blocked`) never fire: the stub
/// is always a registered, running node.
public struct L7RRouter: Sendable {
    public var accounts: L7RAccounts

    public init(accounts: L7RAccounts) {
        self.accounts = accounts
    }

    public func route(_ head: HTTPRequestHead) -> L7RRoute {
        guard head.method == "GET" else { return .notFound }
        let authenticator = L7RAuthenticator(accounts: accounts)
        switch head.rawPath {
        case "/qvd/ping":
            return .ping
        case "/qvd/list_of_vm", "/qvd/list_of_applications":
            guard let user = authenticator.authenticate(head.headers) else { return .unauthorized }
            return .listOfVM(login: user.login, applications: head.rawPath == "/qvd/list_of_applications")
        case "/qvd/stop_vm":
            guard let user = authenticator.authenticate(head.headers) else { return .unauthorized }
            let parameters = Self.parameters(of: head)
            guard let idText = parameters.first(where: { $0.name == "id" })?.value else {
                return .error(status: .unprocessableEntity, message: "parameter id is missing", challenge: false)
            }
            guard let id = Int(idText), let machine = accounts.machines[id] else {
                return .error(status: .notFound, message: "The requested virtual machine does not exist", challenge: false)
            }
            guard machine.owner == user.login else {
                return .error(status: .forbidden, message: "You are not allowed to access requested virtual machine", challenge: false)
            }
            return .stopVM(machine)
        case "/qvd/connect_to_vm":
            return routeConnect(head, authenticator: authenticator)
        default:
            return .notFound
        }
    }

    private func routeConnect(_ head: HTTPRequestHead, authenticator: L7RAuthenticator) -> L7RRoute {
        guard let user = authenticator.authenticate(head.headers) else { return .unauthorized }
        let connection = head.headers.exactValue(named: HTTPHeaderName.connection).map(Self.trimBlanks)
        let upgrade = head.headers.exactValue(named: HTTPHeaderName.upgrade).map(Self.trimBlanks)
        guard connection == "Upgrade", upgrade == "QVD/1.0" else {
            return .error(status: .upgradeRequired, message: nil, challenge: false)
        }
        let parameters = Self.parameters(of: head)
        guard let idText = parameters.first(where: { $0.name == "id" })?.value else {
            return .error(status: .unprocessableEntity, message: "parameter id is missing", challenge: false)
        }
        let invalid = parameters.map(\.name).filter {
            $0 != "id" && !$0.hasPrefix("qvd.client.") && !$0.hasPrefix("custom.")
        }
        guard invalid.isEmpty else {
            return .error(status: .forbidden, message: "Invalid parameters " + invalid.joined(separator: " "), challenge: false)
        }
        guard let id = Int(idText), let machine = accounts.machines[id] else {
            return .error(status: .notFound, message: "The requested virtual machine does not exist", challenge: false)
        }
        guard !machine.blocked else {
            return .error(status: .forbidden, message: "The requested virtual machine is offline for maintenance", challenge: false)
        }
        guard machine.owner == user.login else {
            return .error(status: .serviceUnavailable,
                          message: L7RConnectFailure.notAllowed.responseBody, challenge: false)
        }
        let client = parameters.filter { $0.name != "id" }
        return .connect(L7RConnectRequest(machine: machine, login: user.login, clientParameters: client))
    }

    /// The query's pairs, `%XX` and `+` decoded (`QVD::URI`); a name without `=` has an empty value.
    static func parameters(of head: HTTPRequestHead) -> [L7RParameter] {
        head.queryParameters.map { L7RParameter($0.name, $0.value ?? "") }
    }

    static func trimBlanks(_ text: String) -> String {
        var scalars = Substring(text)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
