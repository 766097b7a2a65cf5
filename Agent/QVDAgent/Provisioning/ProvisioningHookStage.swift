/// The three provisioning hooks, named as upstream passes them in
/// `qvd.hook.on_provisioning <stage>` (`upstream-vma.md` §4.2).
public enum ProvisioningHookStage: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case mountHome = "mount_home"
    case addUser = "add_user"
    case afterAddUser = "after_add_user"

    /// The configuration key of the hook (`vma.on_provisioning.<stage>`).
    public var configurationKey: String { "vma.on_provisioning.\(rawValue)" }

    public var description: String { rawValue }
}
