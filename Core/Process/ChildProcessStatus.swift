/// How a child process ended: it exited with a code, or a signal killed it.
///
/// The description names the signal (`killed by SIGKILL`), which is what the hooks log
/// and the agent's own log print for every child.
public enum ChildProcessStatus: Sendable, Hashable, CustomStringConvertible {
    /// The child called `exit` (or returned from `main`) with this code.
    case exited(Int32)
    /// The child was terminated by this signal (with or without a core dump).
    case signalled(ProcessSignal)

    /// `true` only for `exited(0)`.
    public var isSuccess: Bool { self == .exited(0) }

    /// The exit code, or `nil` when a signal ended the child.
    public var exitCode: Int32? {
        if case .exited(let code) = self { return code }
        return nil
    }

    /// The terminating signal, or `nil` when the child exited by itself.
    public var signal: ProcessSignal? {
        if case .signalled(let signal) = self { return signal }
        return nil
    }

    public var description: String {
        switch self {
        case .exited(let code):
            return "exited with code \(code)"
        case .signalled(let signal):
            return "killed by \(signal.name)"
        }
    }
}
