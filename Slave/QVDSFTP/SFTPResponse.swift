/// One server → client SFTP version 3 message (draft-ietf-secsh-filexfer-02 §7), as
/// OpenSSH's `sftp-server` shapes them.
public enum SFTPResponse: Sendable, Hashable {
    case version(version: UInt32, extensions: [SFTPExtensionPair])
    case status(id: UInt32, code: SFTPStatusCode, message: String)
    case handle(id: UInt32, handle: [UInt8])
    case data(id: UInt32, data: [UInt8])
    case name(id: UInt32, entries: [SFTPNameEntry])
    case attributes(id: UInt32, attributes: SFTPAttributes)
    /// The reply to `statvfs@openssh.com` / `fstatvfs@openssh.com` (`SSH_FXP_EXTENDED_REPLY`).
    case fileSystemStats(id: UInt32, stats: SFTPFileSystemStats)

    /// A status reply with OpenSSH's message for `code`.
    public static func status(id: UInt32, _ code: SFTPStatusCode) -> SFTPResponse {
        .status(id: id, code: code, message: code.message)
    }
}
