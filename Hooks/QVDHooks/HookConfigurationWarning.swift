import QVDCore

/// Something ``HookRunner/validate()`` found at start-up that will make a hook fail or
/// be skipped later; the agent logs each as a warning so the administrator learns of it
/// before the first session.
public enum HookConfigurationWarning: Sendable, Hashable, CustomStringConvertible {
    /// A configured hook that cannot be executed; every call of its event will fail.
    case hookNotRunnable(configurationKey: String, path: String, problem: HookExecutableProblem)
    /// An entry of a `.d` folder that will be skipped.
    case directoryEntrySkipped(configurationKey: String, entry: HookDirectory.SkippedEntry)
    /// The hooks log cannot be opened: hook output is discarded and run lines go only
    /// to the agent's own log.
    case hooksLogUnavailable(LogSetupError)

    public var description: String {
        switch self {
        case .hookNotRunnable(let key, let path, let problem):
            return "hook \(key) = \(path) cannot run: \(problem); every \(key) call will fail until it is fixed"
        case .directoryEntrySkipped(let key, let entry):
            return "hook folder entry \(entry.path) for \(key) will be skipped: \(entry.reason)"
        case .hooksLogUnavailable(let error):
            return "hooks log unavailable, hook output will be discarded: \(error)"
        }
    }
}
