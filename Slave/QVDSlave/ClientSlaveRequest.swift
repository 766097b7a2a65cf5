/// A VM → client request that passed authentication and routing
/// (`upstream-slave-channel.md` §2.3; only these three routes exist here: nothing that
/// reaches the client's network or devices).
public enum ClientSlaveRequest: Sendable, Hashable {
    /// `GET /ping` → `Pong!`.
    case ping
    /// `GET /version` → our version and features.
    case version
    /// `POST /open-url`: ask the desktop to open an `http(s)` URL (our extension, off
    /// unless `client.slave.open_url = 1`).
    case openURL(String)
}
