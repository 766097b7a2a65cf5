import QVDCore

/// Runs provisioning's commands. ``ChildProcessCommandRunner`` is the real one; tests use a
/// recording fake so the exact argv sequence of a plan can be checked without root.
public protocol ProvisioningCommandRunner: Sendable {
    /// Runs `command` to completion. A command that starts and fails is a result; one that
    /// cannot be started (missing executable, cancelled) throws.
    func run(_ command: ProvisioningCommand) async throws(ChildProcessError) -> ProvisioningCommandResult
}
