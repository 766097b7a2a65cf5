import QVDCore

/// What became of one executable of one hook call: the configured hook or one entry of
/// its `.d` folder. Each record is one line of the hooks log (``logMessage``).
public struct HookRunRecord: Sendable, Hashable, CustomStringConvertible {
    /// How the run ended.
    public enum Outcome: Sendable, Hashable {
        /// The hook ran to its end: exited, or killed by a signal it did not get from us.
        case finished(ChildProcessStatus)
        /// Still running at the time limit; it and its group were killed.
        case timedOut(limit: Duration, status: ChildProcessStatus)
        /// Not started: the configured file is missing or not executable.
        case notRun(configurationKey: String, problem: HookExecutableProblem)
        /// The system refused to start it.
        case cannotStart(ChildProcessError)
        /// The caller was cancelled; the hook and its group were killed.
        case cancelled
    }

    public let event: HookEvent
    /// ``HookInvocation/context`` of the call.
    public let context: String
    public let path: String
    /// argv after argv[0], with secrets masked (never the real values).
    public let redactedArguments: [String]
    public let outcome: Outcome
    /// From just before the spawn until the exit was seen; zero when nothing ran.
    public let duration: Duration

    public init(event: HookEvent, context: String, path: String, redactedArguments: [String], outcome: Outcome, duration: Duration) {
        self.event = event
        self.context = context
        self.path = path
        self.redactedArguments = redactedArguments
        self.outcome = outcome
        self.duration = duration
    }

    /// Exited with code 0.
    public var succeeded: Bool { outcome == .finished(.exited(0)) }

    /// The error a blocking caller gets, or `nil` on success.
    public var error: HookError? {
        let kind: HookError.Kind
        switch outcome {
        case .finished(let status):
            if status.isSuccess { return nil }
            kind = .failed(status)
        case .timedOut(let limit, let status):
            kind = .timedOut(limit: limit, status: status)
        case .notRun(let key, let problem):
            kind = .notRunnable(configurationKey: key, problem: problem)
        case .cannotStart(let error):
            kind = .cannotStart(error)
        case .cancelled:
            kind = .cancelled
        }
        return HookError(event: event, context: context, path: path, kind: kind)
    }

    /// The hooks-log message (the logging module adds time, pid, level and `hook:`):
    ///
    ///     vma.on_action.pre-connect /etc/qvd/pre.sh [qvd.vm.user.name qvdtest qvd.slave.key *** qvd.vm.session.state stopped qvd.hook.on_action pre_connect] exited with code 1 in 0.012 s
    ///
    /// event key, path, the masked argv in brackets (items quoted shell-style when empty or
    /// holding spaces or quotes), how it ended (naming the signal when one ended it) and
    /// the duration.
    public var logMessage: String {
        let arguments = redactedArguments.map(Self.quoted).joined(separator: " ")
        return "\(event.configurationKey) \(path) [\(arguments)] \(outcomeText) in \(HookDurationText.fixedSeconds(duration)) s"
    }

    public var description: String { logMessage }

    private var outcomeText: String {
        switch outcome {
        case .finished(let status):
            return status.description
        case .timedOut(let limit, let status):
            return "timed out after \(HookDurationText.seconds(limit)) s, \(status)"
        case .notRun(let key, let problem):
            return "not run (\(key)): \(problem)"
        case .cannotStart(let error):
            return "not started: \(error)"
        case .cancelled:
            return "cancelled, killed with its process group"
        }
    }

    /// `'…'` around an item that is empty or holds characters a reader would mis-split;
    /// a `'` inside becomes `'\''`, as in a shell.
    static func quoted(_ item: String) -> String {
        let plain = !item.isEmpty && item.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9": return true
            case ".", "_", "-", "/", ":", "=", "@", "%", "+", ",", "*": return true
            default: return !scalar.isASCII && !scalar.properties.isWhitespace
            }
        }
        if plain { return item }
        var out = "'"
        for character in item {
            if character == "'" { out += "'\\''" } else { out.append(character) }
        }
        return out + "'"
    }
}
