/// One share made by `qvd-slaveclient share`: which local folder, under which ticket, by
/// which process.
public struct ShareRecord: Sendable, Hashable, Codable {
    /// The VM's name for it (`X-QVD-Share-Ticket`), its directory under `~/Redirected`.
    public var ticket: String
    /// The canonical local folder.
    public var path: String
    public var readOnly: Bool
    /// The `qvd-slaveclient share` process serving it.
    public var pid: Int32
    /// The session's slave port when it was made (a new session makes old records stale).
    public var port: Int

    public init(ticket: String, path: String, readOnly: Bool, pid: Int32, port: Int) {
        self.ticket = ticket
        self.path = path
        self.readOnly = readOnly
        self.pid = pid
        self.port = port
    }
}
