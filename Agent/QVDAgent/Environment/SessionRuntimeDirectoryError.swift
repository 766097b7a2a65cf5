#if canImport(Glibc)
import Glibc
#endif

/// Why the session's `XDG_RUNTIME_DIR` could not be made ready; names the directory and the
/// system error so the administrator can fix or remove it.
public struct SessionRuntimeDirectoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong at ``path``.
    public enum Problem: Sendable, Hashable {
        /// `mkdir` failed.
        case cannotCreate(errno: Int32)
        /// `lstat` failed.
        case cannotExamine(errno: Int32)
        /// Something other than a directory is there.
        case notADirectory
        /// A symbolic link is there (never followed: it could point anywhere).
        case symbolicLink
        /// The directory belongs to another user.
        case wrongOwner(uid_t)
        /// `chown` or `chmod` failed.
        case cannotSetOwnerOrMode(errno: Int32)
    }

    public let path: String
    public let problem: Problem

    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        let subject = "session runtime directory \(path)"
        switch problem {
        case .cannotCreate(let errno):
            return "cannot create the \(subject): \(Self.text(errno))"
        case .cannotExamine(let errno):
            return "cannot examine the \(subject): \(Self.text(errno))"
        case .notADirectory:
            return "the \(subject) exists but is not a directory; remove it"
        case .symbolicLink:
            return "the \(subject) is a symbolic link, which is not followed; remove it"
        case .wrongOwner(let owner):
            return "the \(subject) belongs to uid \(owner), not to the session's user; remove it"
        case .cannotSetOwnerOrMode(let errno):
            return "cannot give the \(subject) its owner and mode 0700: \(Self.text(errno))"
        }
    }

    static func text(_ errno: Int32) -> String {
        String(cString: strerror(errno))
    }
}
