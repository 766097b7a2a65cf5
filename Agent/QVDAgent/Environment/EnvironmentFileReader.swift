#if canImport(Glibc)
import Glibc
#endif

/// Reads the environment files the session builder parses, refusing files that are not
/// plain, small files and, for the user's own `~/.qvd_environment`, files the user does not
/// control.
///
/// The agent reads these files as root, and `~` belongs to the user. Without checks, a user
/// could make `~/.qvd_environment` a symbolic link to a root-only file (its `NAME=VALUE`
/// lines would then land in the user's session), a FIFO (the read would block the agent) or a
/// huge file. So the user file is opened with `O_NOFOLLOW | O_NONBLOCK` and must be a regular
/// file, owned by the user (or by root with a single link, so not a hard link to a system
/// file), not writable by group or others, and at most ``maximumSize`` bytes.
public enum EnvironmentFileReader {
    /// The largest environment file read.
    public static let maximumSize = 64 * 1024

    /// Why a file was not read.
    public enum Refusal: Sendable, Hashable, CustomStringConvertible {
        case symbolicLink
        case notARegularFile
        /// Owned by neither the user nor root.
        case wrongOwner(uid_t)
        /// Owned by root but with more than one link (it may be a system file linked in).
        case multiplyLinked(Int)
        /// Writable by group or others (the mode is given).
        case writableByOthers(mode: UInt32)
        case tooLarge(Int)

        public var description: String {
            switch self {
            case .symbolicLink:
                return "it is a symbolic link"
            case .notARegularFile:
                return "it is not a regular file"
            case .wrongOwner(let owner):
                return "it belongs to uid \(owner), neither the user nor root"
            case .multiplyLinked(let links):
                return "it is owned by root and has \(links) hard links"
            case .writableByOthers(let mode):
                return "it is writable by group or others (mode 0\(String(mode, radix: 8)))"
            case .tooLarge(let size):
                return "it is \(size) bytes long (at most \(EnvironmentFileReader.maximumSize))"
            }
        }
    }

    /// What reading a file gave.
    public enum Outcome: Sendable, Hashable {
        case contents([UInt8])
        /// No such file (or a missing directory on the way): silently skipped.
        case missing
        /// It exists but could not be opened or read (`errno`).
        case unreadable(errno: Int32)
        case refused(Refusal)
    }

    /// A system file (`/etc/...`): symbolic links are followed (`/etc/locale.conf` often is one).
    public static func readSystemFile(_ path: String) -> Outcome {
        read(path, flags: O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, owner: nil)
    }

    /// The user's file: see the type's description for the checks.
    public static func readUserFile(_ path: String, ownerID: uid_t) -> Outcome {
        read(path, flags: O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW, owner: ownerID)
    }

    private static func read(_ path: String, flags: Int32, owner: uid_t?) -> Outcome {
        let descriptor = open(path, flags)
        guard descriptor >= 0 else {
            let error = errno
            switch error {
            case ENOENT, ENOTDIR: return .missing
            case ELOOP where owner != nil: return .refused(.symbolicLink)
            default: return .unreadable(errno: error)
            }
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .unreadable(errno: errno) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .refused(.notARegularFile) }
        if let owner {
            guard info.st_uid == owner || info.st_uid == 0 else { return .refused(.wrongOwner(info.st_uid)) }
            if info.st_uid == 0, info.st_uid != owner, info.st_nlink > 1 {
                return .refused(.multiplyLinked(Int(info.st_nlink)))
            }
            if info.st_mode & 0o022 != 0 {
                return .refused(.writableByOthers(mode: UInt32(info.st_mode & 0o7777)))
            }
        }
        guard info.st_size <= maximumSize else { return .refused(.tooLarge(Int(info.st_size))) }

        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while bytes.count <= maximumSize {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                return .unreadable(errno: errno)
            }
            bytes.append(contentsOf: buffer[0..<count])
        }
        // The file grew after the fstat.
        guard bytes.count <= maximumSize else { return .refused(.tooLarge(bytes.count)) }
        return .contents(bytes)
    }
}
