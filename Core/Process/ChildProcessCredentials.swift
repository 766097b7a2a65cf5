#if canImport(Glibc)
import Glibc
#endif

/// The identity a child runs as: user, primary group and the complete supplementary group
/// list, applied in the child as `setgroups`, `setgid`, `setuid` (in that order) before
/// `exec`. Only a root parent can switch.
///
/// The agent starts the user's X session this way (`upstream-vma.md §3.3`: nxagent runs as
/// the desktop user). Upstream builds its own group list from `getgrent` with a regex that
/// also matches similar names; ``UserAccount/lookup(name:)`` gives the exact list
/// `initgroups` would set, as issue 3 asks.
public struct ChildProcessCredentials: Sendable, Hashable {
    public var userID: uid_t
    public var groupID: gid_t
    /// Replaces the parent's supplementary groups exactly; empty drops them all.
    public var supplementaryGroups: [gid_t]

    public init(userID: uid_t, groupID: gid_t, supplementaryGroups: [gid_t]) {
        self.userID = userID
        self.groupID = groupID
        self.supplementaryGroups = supplementaryGroups
    }
}
