/// A failure of `qvdclient`, with the phase it happened in, what went wrong and what to
/// do about it; `exitCode` is the documented status for it (`ClientExitCode`).
public struct ClientError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: ClientExitCode
    public var phase: ClientPhase
    /// What happened, in one sentence (never a password, token or key).
    public var message: String
    /// What the user can do, if anything useful can be said.
    public var hint: String?

    public init(_ code: ClientExitCode, phase: ClientPhase, _ message: String, hint: String? = nil) {
        self.code = code
        self.phase = phase
        self.message = message
        self.hint = hint
    }

    /// One line: `qvdclient: <phase>: <message> (<hint>)`.
    public var description: String {
        var line = "\(phase.rawValue): \(message)"
        if let hint { line += " (\(hint))" }
        return line
    }
}
