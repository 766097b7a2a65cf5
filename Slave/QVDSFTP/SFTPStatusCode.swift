#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `SSH_FXP_STATUS` codes of SFTP version 3 (draft-ietf-secsh-filexfer-02 §7), with the
/// English messages OpenSSH's `sftp-server` sends for them (`status_to_message`).
public enum SFTPStatusCode: UInt32, Sendable, CaseIterable {
    case ok = 0
    case eof = 1
    case noSuchFile = 2
    case permissionDenied = 3
    case failure = 4
    case badMessage = 5
    case noConnection = 6
    case connectionLost = 7
    case operationUnsupported = 8

    /// The message OpenSSH's sftp-server puts in the status reply for this code.
    public var message: String {
        switch self {
        case .ok: return "Success"
        case .eof: return "End of file"
        case .noSuchFile: return "No such file"
        case .permissionDenied: return "Permission denied"
        case .failure: return "Failure"
        case .badMessage: return "Bad message"
        case .noConnection: return "No connection"
        case .connectionLost: return "Connection lost"
        case .operationUnsupported: return "Operation unsupported"
        }
    }

    /// The code OpenSSH's sftp-server reports for a failed system call (`errno_to_portable`).
    public init(errno code: Int32) {
        switch code {
        case 0: self = .ok
        case ENOENT, ENOTDIR, EBADF, ELOOP: self = .noSuchFile
        case EPERM, EACCES, EFAULT: self = .permissionDenied
        case ENAMETOOLONG, EINVAL: self = .badMessage
        case ENOSYS: self = .operationUnsupported
        default: self = .failure
        }
    }
}
