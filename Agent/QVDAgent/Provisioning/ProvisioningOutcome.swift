/// What provisioning did, for the log and for tests.
public struct ProvisioningOutcome: Sendable, Hashable {
    /// What happened about the home directory (`upstream-vma.md` §5.2).
    public enum Home: Sendable, Hashable {
        /// It existed; nothing was done.
        case existed
        /// It was missing and the `mount_home` hook ran.
        case mountedByHook
        /// It was missing and the home drive's partition was mounted on the home root;
        /// `partitioned` when the drive was partitioned and formatted first.
        case mountedDrive(partition: String, partitioned: Bool)
        /// It was missing and stays on the root file system (the LXC case): no drive is
        /// configured, the drive does not exist, the home root is already a mount point, or
        /// the home root cannot be examined.
        case onRootFilesystem(RootFilesystemReason)
    }

    /// Why the home drive was not mounted.
    public enum RootFilesystemReason: Sendable, Hashable {
        case noHomeDrive
        case homeDriveMissing(String)
        case homeRootAlreadyMounted(String)
        case homeRootUnavailable(String)
    }

    /// What happened about the user (`upstream-vma.md` §5.3).
    public enum User: Sendable, Hashable {
        /// It existed; nothing was done.
        case existed
        /// The `add_user` hook (and `after_add_user`, when configured) ran.
        case addedByHook
        /// The built-in `groupadd`/`useradd` (and `after_add_user`, when configured) ran.
        case added
    }

    public var home: Home
    public var user: User
    /// Problems that did not stop provisioning (a failed `groupadd`, an unexaminable home root).
    public var warnings: [String]

    public init(home: Home, user: User, warnings: [String] = []) {
        self.home = home
        self.user = user
        self.warnings = warnings
    }

    /// `true` when anything was provisioned (the `provisioning` state was entered).
    public var provisioned: Bool { home != .existed || user != .existed }
}
