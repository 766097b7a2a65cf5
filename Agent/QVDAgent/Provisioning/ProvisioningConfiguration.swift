/// The VMA configuration keys provisioning reads (`upstream-vma.md` §5, §9.1, §9.2), as one
/// typed value built once from the configuration file.
///
/// The defaults are upstream's (Defaults.pm). ``partitionCommand``, ``partitionRescanCommand``
/// and ``makeFilesystemCommand`` have no upstream key: upstream runs `sfdisk` and
/// `mkfs.<vma.user.home.fs>` from `PATH`, and never tells the kernel about a new partition
/// itself. Bare names are looked up in the commands' `PATH`
/// (``ChildProcessCommandRunner/path``).
public struct ProvisioningConfiguration: Sendable, Hashable {
    /// `vma.user.default.name`: the user when x_start carries no `qvd.vm.user.name`.
    public var defaultUserName: String
    /// `vma.user.default.groups`: `useradd -G` when x_start carries no `qvd.vm.user.groups`.
    public var defaultUserGroups: String
    /// `vma.user.home.path`: the parent of every home and the home drive's mount point.
    public var homeRoot: String
    /// `vma.user.home.drive`: the disk that holds the homes; empty disables the built-in mount.
    public var homeDrive: String
    /// `vma.user.home.fs`: the file system made on a freshly partitioned home drive.
    public var homeFilesystem: String
    /// `vma.user.shell`: `useradd -s`.
    public var userShell: String
    /// `command.groupadd`.
    public var groupaddCommand: String
    /// `command.useradd`.
    public var useraddCommand: String
    /// `command.userdel`.
    public var userdelCommand: String
    /// `command.groupdel`.
    public var groupdelCommand: String
    /// `command.mount`.
    public var mountCommand: String
    /// Partitions the home drive (`sfdisk`, fed `,\n` on stdin: one partition spanning the disk).
    public var partitionCommand: String
    /// Asks the kernel to add partitions it has not seen (`partx -a <drive>`). Ours: run only
    /// when the partition device is missing, before partitioning (so a disk that already holds
    /// a partition table is never repartitioned because the kernel did not scan it) and after.
    public var partitionRescanCommand: String
    /// Makes the file system; `mkfs.<homeFilesystem>` unless set.
    public var makeFilesystemCommand: String
    /// How long to wait for the partition device to appear after partitioning (the kernel
    /// creates the node asynchronously).
    public var partitionWait: Duration

    public init(
        defaultUserName: String = "qvd",
        defaultUserGroups: String = "qvduser",
        homeRoot: String = "/home",
        homeDrive: String = "/dev/vdb",
        homeFilesystem: String = "ext4",
        userShell: String = "/bin/bash",
        groupaddCommand: String = "/usr/sbin/groupadd",
        useraddCommand: String = "/usr/sbin/useradd",
        userdelCommand: String = "/usr/sbin/userdel",
        groupdelCommand: String = "/usr/sbin/groupdel",
        mountCommand: String = "mount",
        partitionCommand: String = "sfdisk",
        partitionRescanCommand: String = "partx",
        makeFilesystemCommand: String? = nil,
        partitionWait: Duration = .seconds(5)
    ) {
        self.defaultUserName = defaultUserName
        self.defaultUserGroups = defaultUserGroups
        self.homeRoot = homeRoot
        self.homeDrive = homeDrive
        self.homeFilesystem = homeFilesystem
        self.userShell = userShell
        self.groupaddCommand = groupaddCommand
        self.useraddCommand = useraddCommand
        self.userdelCommand = userdelCommand
        self.groupdelCommand = groupdelCommand
        self.mountCommand = mountCommand
        self.partitionCommand = partitionCommand
        self.partitionRescanCommand = partitionRescanCommand
        self.makeFilesystemCommand = makeFilesystemCommand ?? "mkfs.\(homeFilesystem)"
        self.partitionWait = partitionWait
    }

    /// Configuration keys, for error messages that tell the administrator what to fix.
    public enum Key {
        public static let defaultUserName = "vma.user.default.name"
        public static let defaultUserGroups = "vma.user.default.groups"
        public static let homeRoot = "vma.user.home.path"
        public static let homeDrive = "vma.user.home.drive"
        public static let homeFilesystem = "vma.user.home.fs"
        public static let userShell = "vma.user.shell"
    }
}
