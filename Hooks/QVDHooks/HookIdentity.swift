#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import QVDCore

/// The identity upstream's hooks had: App::Daemon switched the whole agent to
/// `vma.as_user`/`vma.as_group` (`root`/`nogroup`), so hooks ran as uid 0 with the
/// group's gid as primary and **only** supplementary group
/// (`uid=0(root) gid=65534(nogroup) groups=65534(nogroup)`, `upstream-vma-observed.md §4.4`).
public enum HookIdentity {
    /// Why the identity could not be resolved.
    public struct LookupError: Error, Sendable, Hashable, CustomStringConvertible {
        /// `user` or `group`.
        public let what: String
        public let name: String
        /// The configuration key that named it.
        public let configurationKey: String

        public var description: String {
            "no \(what) '\(name)' in the system's \(what) database; fix \(configurationKey)"
        }
    }

    /// Credentials for user `user` (name or number) with primary and sole supplementary
    /// group `group` (name or number), as App::Daemon set them.
    public static func credentials(user: String, group: String) throws(LookupError) -> ChildProcessCredentials {
        let userID: uid_t
        if let number = uid_t(user) {
            userID = number
        } else {
            do {
                userID = try UserAccount.lookup(name: user).userID
            } catch {
                throw LookupError(what: "user", name: user, configurationKey: "vma.as_user")
            }
        }
        guard let groupID = gid_t(group) ?? groupID(named: group) else {
            throw LookupError(what: "group", name: group, configurationKey: "vma.as_group")
        }
        return ChildProcessCredentials(userID: userID, groupID: groupID, supplementaryGroups: [groupID])
    }

    /// `getgrnam_r`, growing the buffer as needed. May block on a network group database:
    /// call it at start-up, not from an event loop.
    static func groupID(named name: String) -> gid_t? {
        var size = 4096
        while size <= 1 << 22 {
            var buffer = [CChar](repeating: 0, count: size)
            var record = group()
            var found: UnsafeMutablePointer<group>? = nil
            let rc = buffer.withUnsafeMutableBufferPointer { storage -> Int32 in
                guard let base = storage.baseAddress else { return ERANGE }
                return getgrnam_r(name, &record, base, storage.count, &found)
            }
            if rc == ERANGE {
                size *= 4
                continue
            }
            guard rc == 0, found != nil else { return nil }
            return record.gr_gid
        }
        return nil
    }
}
