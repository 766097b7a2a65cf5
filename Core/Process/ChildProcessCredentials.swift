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

import SystemPackage

extension ChildProcessCredentials {
    /// util-linux's `setpriv`, which applies the identity (see `ChildProcess.prepare`).
    static let setprivPath: String? = ["/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv"].first {
        access($0, X_OK) == 0
    }

    /// `setpriv` options for this identity: real and effective ids, exact group list.
    var setprivArguments: [String] {
        let groups = supplementaryGroups.isEmpty
            ? "--clear-groups"
            : "--groups=" + supplementaryGroups.map(String.init).joined(separator: ",")
        return ["--reuid=\(userID)", "--regid=\(groupID)", groups]
    }

    /// Whether this identity may execute `path`, checked up front so that a refusal is a
    /// spawn error naming the file, as it would be from `exec` itself (setpriv would only
    /// exit with a status). Root may run any file with an execute bit.
    func executionProblem(path: String) -> Errno? {
        var info = stat()
        guard stat(path, &info) == 0 else { return Errno(rawValue: errno) }
        let mode = info.st_mode
        let allowed: Bool
        if userID == 0 {
            allowed = mode & (S_IXUSR | S_IXGRP | S_IXOTH) != 0
        } else if info.st_uid == userID {
            allowed = mode & S_IXUSR != 0
        } else if info.st_gid == groupID || supplementaryGroups.contains(info.st_gid) {
            allowed = mode & S_IXGRP != 0
        } else {
            allowed = mode & S_IXOTH != 0
        }
        return allowed ? nil : .permissionDenied
    }
}
