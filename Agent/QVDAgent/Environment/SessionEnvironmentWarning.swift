#if canImport(Glibc)
import Glibc
#endif

/// Something in an environment file that was skipped while building the session's
/// environment; each is also logged as a warning.
public enum SessionEnvironmentWarning: Sendable, Hashable, CustomStringConvertible {
    /// A line that is not a valid `NAME=VALUE` (``EnvironmentFileParser``).
    case malformedLine(file: String, lineNumber: Int, problem: EnvironmentFileParser.Problem)
    /// A line that tries to set a variable the agent decides (`HOME`, `USER`, `LOGNAME`,
    /// `DISPLAY`, `XDG_RUNTIME_DIR`).
    case protectedVariable(file: String, lineNumber: Int, name: String)
    /// A file that exists but could not be read.
    case unreadableFile(file: String, errno: Int32)
    /// A file that was refused (``EnvironmentFileReader``).
    case refusedFile(file: String, reason: EnvironmentFileReader.Refusal)

    public var description: String {
        switch self {
        case .malformedLine(let file, let lineNumber, let problem):
            return "\(file):\(lineNumber): line ignored: \(problem)"
        case .protectedVariable(let file, let lineNumber, let name):
            return "\(file):\(lineNumber): \(name) is set by the agent for the session; line ignored"
        case .unreadableFile(let file, let errno):
            return "cannot read environment file \(file): \(String(cString: strerror(errno)))"
        case .refusedFile(let file, let reason):
            return "environment file \(file) not read: \(reason)"
        }
    }
}
