/// The administrator's provisioning hooks, as closures the VMA builds over its hook runner
/// (`vma.on_provisioning.mount_home`, `add_user`, `after_add_user`; `upstream-vma.md` §4.1,
/// §5.2, §5.3). A `nil` closure means the key is not configured.
///
/// A closure runs the hook with upstream's argv (all x_start parameters plus
/// `qvd.hook.on_provisioning <stage>`) and throws when it fails; the thrown error's
/// description becomes part of the provisioning error, so it should name the hook and its
/// exit status.
public struct ProvisioningHooks: Sendable {
    /// A hook run; throws when the hook fails.
    public typealias Hook = @Sendable () async throws -> Void

    /// Replaces the built-in home-drive mount when the home is missing (authoritative: nothing
    /// is checked afterwards).
    public var mountHome: Hook?
    /// Replaces the built-in `groupadd`/`useradd` when the user is missing.
    public var addUser: Hook?
    /// Runs after `addUser` or after the built-in `useradd`; with the built-in path a failure
    /// rolls the user back.
    public var afterAddUser: Hook?

    public init(mountHome: Hook? = nil, addUser: Hook? = nil, afterAddUser: Hook? = nil) {
        self.mountHome = mountHome
        self.addUser = addUser
        self.afterAddUser = afterAddUser
    }

    /// No hooks configured: everything built in.
    public static let none = ProvisioningHooks()
}
