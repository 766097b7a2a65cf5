import QVDCore

/// The questions provisioning asks the system before acting: does the home exist, does the
/// user exist, does the drive or its partition exist, is the home root still on `/`'s
/// device. ``SystemProvisioningProbe`` asks the real system; tests answer from a table.
public protocol ProvisioningProbe: Sendable {
    /// `true` when `path` is a directory (following symlinks, like Perl's `-d`).
    func isDirectory(_ path: String) -> Bool
    /// `true` when something exists at `path` (following symlinks, like Perl's `-e`).
    func exists(_ path: String) -> Bool
    /// `st_dev` of `path`, or `nil` when it cannot be `stat`ed.
    func deviceID(of path: String) -> UInt64?
    /// Whether the user database knows `name`. Throws when it cannot tell (an NSS failure),
    /// so provisioning never adds a user that may exist in a directory service.
    func userExists(_ name: String) throws(UserAccount.LookupError) -> Bool
    /// Waits before checking again for a partition device the kernel creates asynchronously.
    func pause(_ duration: Duration) async
}
