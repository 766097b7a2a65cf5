import QVDCore

/// Runs provisioning commands with ``ChildProcess/run(_:timeout:)``: as the agent (root), with
/// only ``path`` and `LC_ALL=C` in the environment (stable English error messages), stdin
/// `/dev/null` unless the command feeds text, stdout discarded and the first
/// ``standardErrorLimit`` bytes of stderr kept for the error message.
///
/// There is no timeout by default: a first `mkfs` of a large home disk may legitimately take
/// minutes; the session's `provisioning` timeout cancels the task instead, which ends the
/// command and its process group.
public struct ChildProcessCommandRunner: ProvisioningCommandRunner {
    /// `PATH` for the commands, where bare names (`sfdisk`, `mkfs.ext4`, `mount`) are found.
    public var path: String
    /// Kills a command still running after this long; `nil` waits for ever.
    public var timeout: Duration?
    public var standardErrorLimit: Int

    public init(
        path: String = ChildProcessEnvironment.defaultPath,
        timeout: Duration? = nil,
        standardErrorLimit: Int = 16 * 1024
    ) {
        self.path = path
        self.timeout = timeout
        self.standardErrorLimit = standardErrorLimit
    }

    public func run(_ command: ProvisioningCommand) async throws(ChildProcessError) -> ProvisioningCommandResult {
        let configuration = ChildProcessConfiguration(
            executable: command.executable,
            arguments: command.arguments,
            environment: .exactly(["PATH": path, "LC_ALL": "C"]),
            standardInput: command.standardInput.map { .text($0) } ?? .null,
            standardOutput: .discard,
            standardError: .collect(limit: standardErrorLimit)
        )
        let result = try await ChildProcess.run(configuration, timeout: timeout)
        var message = result.standardError?.text ?? ""
        while message.last?.isNewline == true { message.removeLast() }
        if result.timedOut, let timeout {
            message += message.isEmpty ? "" : "\n"
            message += "(ended after its \(timeout) timeout)"
        }
        return ProvisioningCommandResult(status: result.status, standardError: message)
    }
}
