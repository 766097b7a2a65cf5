/// A client → VM request that passed authentication and routing, with its decoded
/// arguments (`upstream-slave-channel.md` §2.2).
public enum VMSlaveRequest: Sendable, Hashable {
    /// `PUT /shares/<client path>` with `Upgrade: qvd:sftp/1.0`: mount a client folder
    /// under the shares path (§2.2 A).
    case share(clientPath: String, upgrade: SlaveUpgrade)
    /// `GET /shares/<vm path>` with `Upgrade: qvd:sftp/1.0`: serve a VM folder for the
    /// client to mount (§2.2 B).
    case export(vmPath: String, upgrade: SlaveUpgrade)
    /// `POST /open/<path>` with `X-QVD-Share-Ticket`: open a file of a share on the
    /// desktop (§2.2 C, with "rest of path" routing as upstream intended).
    case open(ticket: String?, path: String)
    /// `GET /shares`: list the share directories (our extension).
    case list
    /// `DELETE /shares/<name>`: unmount a share and remove its directory (our extension).
    case unshare(name: String)
}
