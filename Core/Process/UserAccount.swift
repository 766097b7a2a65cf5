#if canImport(Glibc)
import Glibc
#endif
public import SystemPackage

/// A local user as the system's user database (NSS) knows it, with the full group list
/// `initgroups` would set, so a child can be started as that user
/// (``credentials``) with the right `HOME` and `SHELL` (`upstream-vma.md §3.3`).
///
/// The lookup calls `getpwnam_r` and `getgrouplist`, which may block on a network user
/// database: call it from a task, never from an event loop.
public struct UserAccount: Sendable, Hashable {
    public let name: String
    public let userID: uid_t
    public let groupID: gid_t
    public let homeDirectory: String
    public let shell: String
    /// The primary group and every supplementary group, as `initgroups` computes them.
    public let groups: [gid_t]

    /// Why a user could not be looked up.
    public struct LookupError: Error, Sendable, Hashable, CustomStringConvertible {
        public let userName: String
        /// `nil` when the user simply does not exist.
        public let errno: Errno?

        public var description: String {
            if let errno {
                return "cannot look up user '\(userName)': \(errno)"
            }
            return "no such user '\(userName)' in the user database"
        }
    }

    /// The credentials to run a child as this user.
    public var credentials: ChildProcessCredentials {
        ChildProcessCredentials(userID: userID, groupID: groupID, supplementaryGroups: groups)
    }

    public static func lookup(name: String) throws(LookupError) -> UserAccount {
        var bufferSize = 4096
        while true {
            var buffer = [CChar](repeating: 0, count: bufferSize)
            // The record's strings point into `buffer`: read them inside the closure.
            let outcome: Result<(uid_t, gid_t, String, String)?, Errno> = buffer.withUnsafeMutableBufferPointer { storage in
                guard let base = storage.baseAddress else { return .failure(.outOfRange) }
                var record = passwd()
                var found: UnsafeMutablePointer<passwd>? = nil
                let rc = getpwnam_r(name, &record, base, storage.count, &found)
                guard rc == 0 else { return .failure(Errno(rawValue: rc)) }
                guard found != nil else { return .success(nil) }
                let home = record.pw_dir.map { String(cString: $0) } ?? "/"
                let shell = record.pw_shell.map { String(cString: $0) } ?? "/bin/sh"
                return .success((record.pw_uid, record.pw_gid, home, shell))
            }
            switch outcome {
            case .failure(let errno) where errno == .outOfRange && bufferSize < 1 << 20:
                bufferSize *= 4
                continue
            case .failure(let errno):
                throw LookupError(userName: name, errno: errno)
            case .success(nil):
                throw LookupError(userName: name, errno: nil)
            case .success(let entry?):
                return UserAccount(
                    name: name,
                    userID: entry.0,
                    groupID: entry.1,
                    homeDirectory: entry.2,
                    shell: entry.3,
                    groups: groupList(name: name, primaryGroup: entry.1)
                )
            }
        }
    }

    private static func groupList(name: String, primaryGroup: gid_t) -> [gid_t] {
        var count: Int32 = 32
        while true {
            var groups = [gid_t](repeating: 0, count: Int(count))
            var capacity = count
            if getgrouplist(name, primaryGroup, &groups, &capacity) >= 0 {
                return Array(groups.prefix(Int(capacity)))
            }
            // Too small: `capacity` now holds the number needed.
            count = max(capacity, count * 2)
        }
    }
}
