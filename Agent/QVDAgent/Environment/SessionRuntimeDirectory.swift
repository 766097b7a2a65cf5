#if canImport(Glibc)
import Glibc
#endif

/// The session's `XDG_RUNTIME_DIR`, `/run/user/<uid>`: created `0700` and owned by the user
/// when missing, as `pam_systemd`/logind would for a login.
///
/// Upstream sets no `XDG_*` variable and creates nothing (`upstream-vma.md` §3.3); the issue
/// asks for the directory, because desktop sessions (dbus, PulseAudio, GTK) need it and there
/// is no PAM login here. The launcher calls ``prepare(for:root:)`` as root before starting the
/// session; ``SessionEnvironment`` only names the path.
public enum SessionRuntimeDirectory {
    /// Where the per-user runtime directories live.
    public static let defaultRoot = "/run/user"

    /// `<root>/<uid>`.
    public static func path(for userID: uid_t, root: String = defaultRoot) -> String {
        (root.hasSuffix("/") ? root : root + "/") + String(userID)
    }

    /// Creates `<root>/<uid>` (and `root`, `0755`, if missing), owned by the user and the
    /// user's primary group, mode `0700`. An existing directory owned by the user is kept and
    /// given mode `0700`; anything else at that path is an error. Returns the path.
    @discardableResult
    public static func prepare(for identity: SessionIdentity, root: String = defaultRoot) throws(SessionRuntimeDirectoryError) -> String {
        let directory = path(for: identity.userID, root: root)
        if mkdir(root, 0o755) != 0, errno != EEXIST {
            throw SessionRuntimeDirectoryError(path: root, problem: .cannotCreate(errno: errno))
        }
        if mkdir(directory, 0o700) == 0 {
            // Not yet the user's: set owner and mode without following a link swapped in.
            guard fchownat(AT_FDCWD, directory, identity.userID, identity.groupID, AT_SYMLINK_NOFOLLOW) == 0,
                  chmod(directory, 0o700) == 0
            else {
                throw SessionRuntimeDirectoryError(path: directory, problem: .cannotSetOwnerOrMode(errno: errno))
            }
            return directory
        }
        guard errno == EEXIST else {
            throw SessionRuntimeDirectoryError(path: directory, problem: .cannotCreate(errno: errno))
        }
        var info = stat()
        guard lstat(directory, &info) == 0 else {
            throw SessionRuntimeDirectoryError(path: directory, problem: .cannotExamine(errno: errno))
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            break
        case S_IFLNK:
            throw SessionRuntimeDirectoryError(path: directory, problem: .symbolicLink)
        default:
            throw SessionRuntimeDirectoryError(path: directory, problem: .notADirectory)
        }
        guard info.st_uid == identity.userID else {
            throw SessionRuntimeDirectoryError(path: directory, problem: .wrongOwner(info.st_uid))
        }
        if info.st_mode & 0o7777 != 0o700, chmod(directory, 0o700) != 0 {
            throw SessionRuntimeDirectoryError(path: directory, problem: .cannotSetOwnerOrMode(errno: errno))
        }
        return directory
    }
}
