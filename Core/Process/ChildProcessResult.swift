#if canImport(Glibc)
import Glibc
#endif

/// What became of a finished child: how it ended, whether our timeout ended it, how long
/// it ran, and any output collected with ``ChildProcessOutput/collect(limit:)``.
public struct ChildProcessResult: Sendable, Hashable, CustomStringConvertible {
    /// The executable as configured.
    public var executable: String
    public var pid: pid_t
    public var status: ChildProcessStatus
    /// `true` when ``ChildProcess/run(_:timeout:)``'s timeout expired and the child (with
    /// its group) was terminated; ``status`` then says which signal ended it.
    public var timedOut: Bool
    /// From just before the spawn to the exit having been observed and output drained.
    public var duration: Duration
    public var standardOutput: CollectedOutput?
    public var standardError: CollectedOutput?

    public init(
        executable: String,
        pid: pid_t,
        status: ChildProcessStatus,
        timedOut: Bool,
        duration: Duration,
        standardOutput: CollectedOutput? = nil,
        standardError: CollectedOutput? = nil
    ) {
        self.executable = executable
        self.pid = pid
        self.status = status
        self.timedOut = timedOut
        self.duration = duration
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// Exited with code 0 and did not time out.
    public var succeeded: Bool { status.isSuccess && !timedOut }

    /// The duration in seconds, for log lines.
    public var seconds: Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// E.g. `'/bin/sh' (pid 4242) timed out, then killed by SIGKILL after 5.012 s`.
    public var description: String {
        let milliseconds = Int((seconds * 1000).rounded())
        let elapsed = "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - String(milliseconds % 1000).count))\(milliseconds % 1000) s"
        let how = timedOut ? "timed out, then \(status)" : "\(status)"
        return "'\(executable)' (pid \(pid)) \(how) after \(elapsed)"
    }
}
