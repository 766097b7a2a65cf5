/// The built-in provisioning steps that run a command whose failure aborts the start
/// (`upstream-vma.md` §5.2, §5.3). `groupadd` is not one: its failure only warns.
public enum ProvisioningStep: String, Sendable, Hashable, CustomStringConvertible {
    /// `sfdisk <drive>` with `,` on stdin.
    case partitionHomeDrive
    /// `mkfs.<vma.user.home.fs> <partition>`.
    case makeHomeFilesystem
    /// `mount <partition> <vma.user.home.path>`.
    case mountHomeDrive
    /// `useradd -m -d <home> -g <group> -s <shell> [-G <groups>] [-u <uid>] <user>`.
    case addUser

    /// What the step does, for "cannot …" messages.
    public var description: String {
        switch self {
        case .partitionHomeDrive: return "partition the home drive"
        case .makeHomeFilesystem: return "make the file system on the home drive"
        case .mountHomeDrive: return "mount the home drive"
        case .addUser: return "add the user"
        }
    }
}
