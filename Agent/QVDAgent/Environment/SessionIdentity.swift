#if canImport(Glibc)
import Glibc
#endif
import QVDCore

/// Who the X session runs as: the user, the primary group, the full supplementary group
/// list, the home (also the working directory) and the login shell.
///
/// Upstream's `_become_user` (`upstream-vma.md` §3.3) builds the group list by matching the
/// user name as a regex word against every group's member list, so `qvd` also picks up the
/// groups of a member called `qvd-admin`. We use `initgroups` semantics instead
/// (``UserAccount/lookup(name:)`` calls `getgrouplist`): the primary group plus exactly the
/// groups that list the user, including groups from NSS sources. The child switches with
/// `setgroups`, `setgid`, `setuid` (``ChildProcessCredentials``) and starts in the home, as
/// upstream's `chdir`.
public struct SessionIdentity: Sendable, Hashable {
    public var userName: String
    public var userID: uid_t
    public var groupID: gid_t
    /// The primary group and every supplementary group.
    public var groups: [gid_t]
    public var homeDirectory: String
    /// The login shell from the user database; `/bin/sh` when it is empty.
    public var shell: String

    public init(userName: String, userID: uid_t, groupID: gid_t, groups: [gid_t], homeDirectory: String, shell: String) {
        self.userName = userName
        self.userID = userID
        self.groupID = groupID
        self.groups = groups
        self.homeDirectory = homeDirectory
        self.shell = shell.isEmpty ? "/bin/sh" : shell
    }

    public init(account: UserAccount) {
        self.init(
            userName: account.name,
            userID: account.userID,
            groupID: account.groupID,
            groups: account.groups,
            homeDirectory: account.homeDirectory,
            shell: account.shell
        )
    }

    /// Looks the user up in the user database (may block on NSS: call it from a task).
    public static func lookup(userName: String) throws(UserAccount.LookupError) -> SessionIdentity {
        SessionIdentity(account: try UserAccount.lookup(name: userName))
    }

    /// The credentials to start the session's `xinit` with.
    public var credentials: ChildProcessCredentials {
        ChildProcessCredentials(userID: userID, groupID: groupID, supplementaryGroups: groups)
    }

    /// The session's working directory: the home.
    public var workingDirectory: String { homeDirectory }
}
