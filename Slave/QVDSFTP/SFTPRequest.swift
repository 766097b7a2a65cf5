/// One client → server SFTP version 3 message, decoded (draft-ietf-secsh-filexfer-02 §4-6
/// plus OpenSSH's `@openssh.com` extensions). Paths and handles are raw bytes: SFTP paths
/// are byte strings and file names need not be UTF-8.
///
/// `symlink` keeps OpenSSH's argument order, which sshfs also uses: the *link target* comes
/// first and the *link path* second (the draft says the opposite; OpenSSH's `sftp-server`
/// and every client talking to it swapped them long ago).
public enum SFTPRequest: Sendable, Hashable {
    case initialize(version: UInt32)
    case open(id: UInt32, path: [UInt8], flags: SFTPOpenFlags, attributes: SFTPAttributes)
    case close(id: UInt32, handle: [UInt8])
    case read(id: UInt32, handle: [UInt8], offset: UInt64, length: UInt32)
    /// The data is a slice of the receive buffer so large writes are not copied.
    case write(id: UInt32, handle: [UInt8], offset: UInt64, data: ArraySlice<UInt8>)
    case lstat(id: UInt32, path: [UInt8])
    case fstat(id: UInt32, handle: [UInt8])
    case setstat(id: UInt32, path: [UInt8], attributes: SFTPAttributes)
    case fsetstat(id: UInt32, handle: [UInt8], attributes: SFTPAttributes)
    case opendir(id: UInt32, path: [UInt8])
    case readdir(id: UInt32, handle: [UInt8])
    case remove(id: UInt32, path: [UInt8])
    case mkdir(id: UInt32, path: [UInt8], attributes: SFTPAttributes)
    case rmdir(id: UInt32, path: [UInt8])
    case realpath(id: UInt32, path: [UInt8])
    case stat(id: UInt32, path: [UInt8])
    case rename(id: UInt32, oldPath: [UInt8], newPath: [UInt8])
    case readlink(id: UInt32, path: [UInt8])
    case symlink(id: UInt32, target: [UInt8], linkPath: [UInt8])
    case posixRename(id: UInt32, oldPath: [UInt8], newPath: [UInt8])
    case statvfs(id: UInt32, path: [UInt8])
    case fstatvfs(id: UInt32, handle: [UInt8])
    case hardlink(id: UInt32, oldPath: [UInt8], newPath: [UInt8])
    case fsync(id: UInt32, handle: [UInt8])
    /// An `SSH_FXP_EXTENDED` request whose name this server does not know.
    case unknownExtended(id: UInt32, name: [UInt8])
    /// A message type this server does not know; `id` is its first four bytes, if present.
    case unknown(type: UInt8, id: UInt32?)

    /// The request id, which every reply must echo (nil for INIT and id-less unknown types).
    public var id: UInt32? {
        switch self {
        case .initialize: return nil
        case .open(let id, _, _, _), .read(let id, _, _, _), .write(let id, _, _, _):
            return id
        case .close(let id, _), .lstat(let id, _), .fstat(let id, _), .opendir(let id, _),
            .readdir(let id, _), .remove(let id, _), .rmdir(let id, _), .realpath(let id, _),
            .stat(let id, _), .readlink(let id, _), .statvfs(let id, _), .fstatvfs(let id, _),
            .fsync(let id, _), .unknownExtended(let id, _):
            return id
        case .setstat(let id, _, _), .fsetstat(let id, _, _), .mkdir(let id, _, _),
            .rename(let id, _, _), .symlink(let id, _, _), .posixRename(let id, _, _),
            .hardlink(let id, _, _):
            return id
        case .unknown(_, let id):
            return id
        }
    }

    /// Whether the request changes the file system; a read-only server refuses these.
    /// OPEN is judged by its flags separately.
    public var modifiesFileSystem: Bool {
        switch self {
        case .write, .setstat, .fsetstat, .remove, .mkdir, .rmdir, .rename, .symlink,
            .posixRename, .hardlink, .fsync:
            return true
        case .open(_, _, let flags, _):
            return !flags.isDisjoint(with: [.write, .append, .create, .truncate])
        default:
            return false
        }
    }
}
