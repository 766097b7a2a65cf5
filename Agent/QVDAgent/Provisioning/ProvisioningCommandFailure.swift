import QVDCore

/// A provisioning command that failed: it could not be started, or it ended with a status
/// other than exit code 0. The description names the command line, the status and the
/// command's own error output.
public struct ProvisioningCommandFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// How the command failed.
    public enum Outcome: Sendable, Hashable {
        /// It ran and ended with this status, writing this on standard error.
        case ended(ChildProcessStatus, standardError: String)
        /// It could not be started.
        case notStarted(ChildProcessError)
    }

    public let command: ProvisioningCommand
    public let outcome: Outcome

    public init(command: ProvisioningCommand, outcome: Outcome) {
        self.command = command
        self.outcome = outcome
    }

    /// The exit status, when the command ran.
    public var status: ChildProcessStatus? {
        if case .ended(let status, _) = outcome { return status }
        return nil
    }

    public var description: String {
        switch outcome {
        case .ended(let status, let standardError):
            let detail = standardError.isEmpty ? " (no error output)" : ": \(standardError)"
            return "'\(command)' \(status)\(detail)"
        case .notStarted(let error):
            return "'\(command)' could not be started: \(error)"
        }
    }
}
