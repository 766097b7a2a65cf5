import QVDCore

/// How a provisioning command ended, with its standard error (trimmed) for error messages.
public struct ProvisioningCommandResult: Sendable, Hashable {
    public var status: ChildProcessStatus
    /// What the command wrote on standard error, without trailing newlines (possibly cut).
    public var standardError: String

    public init(status: ChildProcessStatus, standardError: String = "") {
        self.status = status
        self.standardError = standardError
    }

    /// Exited with code 0.
    public var succeeded: Bool { status.isSuccess }

    /// A successful result with no output.
    public static let success = ProvisioningCommandResult(status: .exited(0))

    /// Exit `code` with `standardError`.
    public static func exited(_ code: Int32, standardError: String = "") -> ProvisioningCommandResult {
        ProvisioningCommandResult(status: .exited(code), standardError: standardError)
    }
}
