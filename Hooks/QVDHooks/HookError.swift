import QVDCore

/// Why a blocking hook failed; its ``description`` is the message the RPC caller gets
/// (a failing action hook aborts the action, `upstream-vma.md §4.2`).
///
/// The wording follows upstream's `die "hook $file for $name failed, rc: N"`, as recorded
/// in transcript steps S62 and S72:
///
///     hook /srv/qvd-oracle/hooks/record.sh for action pre_connect on state stopped failed, rc: 1
///
/// where the middle part is ``HookInvocation/context`` (`action <a> on state <s>`,
/// `on provisioning <step>`, `state <s>`). Perl appended ` at FILE line N.` because the
/// text had no trailing newline; we leave that out (a documented difference: "Perl error
/// texts") and end ``description`` with `\n` instead, the way a Perl `die` message that
/// suppresses the suffix ends, so the JSON string the L7R sees still ends in `\n` as all
/// of upstream's error strings do. ``message`` is the same text without the newline, for
/// logs.
///
/// Upstream only knew exit codes (a hook killed by a signal read `rc: 0`); we name the
/// signal, and add the cases upstream could not have: a timeout (`vma.hook.timeout`), a
/// hook that cannot be executed, and a failed spawn.
public struct HookError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The hook ran and exited non-zero, or a signal killed it.
        case failed(ChildProcessStatus)
        /// The hook was still running after `limit`; it and its whole process group were
        /// killed (`status` tells by which signal).
        case timedOut(limit: Duration, status: ChildProcessStatus)
        /// The configured hook is missing or not executable; nothing was started.
        case notRunnable(configurationKey: String, problem: HookExecutableProblem)
        /// The system refused to start it (bad `#!` interpreter, credentials, no
        /// processes left, …).
        case cannotStart(ChildProcessError)
        /// The calling task was cancelled; the hook and its group were killed.
        case cancelled
    }

    public let event: HookEvent
    /// ``HookInvocation/context`` of the call.
    public let context: String
    /// The executable that failed: the configured hook or an entry of its `.d` directory.
    public let path: String
    public let kind: Kind

    public init(event: HookEvent, context: String, path: String, kind: Kind) {
        self.event = event
        self.context = context
        self.path = path
        self.kind = kind
    }

    /// One line, without a trailing newline.
    public var message: String {
        let subject = "hook \(path) for \(context)"
        switch kind {
        case .failed(.exited(let code)):
            return "\(subject) failed, rc: \(code)"
        case .failed(.signalled(let signal)):
            return "\(subject) failed, killed by \(signal.name)"
        case .timedOut(let limit, _):
            return "\(subject) timed out after \(HookDurationText.seconds(limit)) s (vma.hook.timeout) "
                + "and was killed with its process group"
        case .notRunnable(let key, let problem):
            return "\(subject) cannot run: \(problem); fix the file or the setting \(key)"
        case .cannotStart(let error):
            return "\(subject) could not be started: \(error)"
        case .cancelled:
            return "\(subject) was abandoned because its caller was cancelled; it was killed with its process group"
        }
    }

    /// ``message`` followed by `\n` (see the type's documentation).
    public var description: String { message + "\n" }
}
