/// The exit status of `qvdclient`, one per cause, so scripts can tell failures apart.
///
/// Upstream's C client uses 1 (bad arguments), 2 (no VMs), 5 (list failed), 6 (bad VM id)
/// and 0 for every connect failure (`upstream-clients-observed.md` §4.7); the Perl CLI
/// exits 1 or 255 (§5.7). We keep 1, 2 and 6 and give every other cause its own code.
public enum ClientExitCode: Int32, Sendable, CaseIterable, CustomStringConvertible {
    /// The session ran and ended (the server or nxproxy closed, or Ctrl-C).
    case success = 0
    /// Bad or missing options.
    case usage = 1
    /// The server lists no VM for this user.
    case noVMs = 2
    /// The server refused the login (401).
    case authentication = 3
    /// The server is blocked or under maintenance (503 before any VM was chosen).
    case maintenance = 4
    /// No such VM: unknown id, or the server says the VM does not exist (404).
    case noSuchVM = 6
    /// The VM is blocked / offline for maintenance (403).
    case vmBlocked = 7
    /// The VM could not be started or reached (503 on connect, or the server closed the
    /// connection without an answer).
    case vmUnavailable = 8
    /// The TLS handshake failed (protocol, hostname, client certificate).
    case tls = 9
    /// The server's certificate is not trusted and not pinned.
    case untrustedCertificate = 10
    /// The server could not be reached, or the connection broke.
    case network = 11
    /// The server answered something this client does not understand.
    case protocolError = 12
    /// nxproxy could not be started, or the session's local side failed.
    case nxproxy = 13
    /// The server shows another certificate than the one accepted earlier for its name
    /// (it was replaced, or the connection is intercepted).
    case certificateChanged = 14

    public var description: String {
        switch self {
        case .success: "success"
        case .usage: "usage error"
        case .noVMs: "no VMs"
        case .authentication: "authentication failed"
        case .maintenance: "server under maintenance"
        case .noSuchVM: "no such VM"
        case .vmBlocked: "VM blocked"
        case .vmUnavailable: "VM unavailable"
        case .tls: "TLS failure"
        case .untrustedCertificate: "untrusted certificate"
        case .network: "network failure"
        case .protocolError: "protocol error"
        case .nxproxy: "nxproxy failure"
        case .certificateChanged: "server certificate changed"
        }
    }

    /// The table shown in `qvdclient --help`.
    public static var documentation: String {
        allCases.map { "  \($0.rawValue)\t\($0.description)" }.joined(separator: "\n")
    }
}
