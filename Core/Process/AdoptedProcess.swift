#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// A process that is not our child, watched and ended by pid: the X session a restarted
/// agent re-adopts from `nxagent.pid` (`upstream-vma.md §2.1`; spec README,
/// "deliberately differs" item 1).
///
/// Its exit status cannot be known (only its parent can reap it); what can be known is
/// whether it is still alive, and it can be signalled and terminated. A pidfd is held
/// where the kernel offers one, so a recycled pid is never signalled. The caller checks
/// that the pid is the process it expects (e.g. `/proc/<pid>/cmdline`) before adopting.
public final class AdoptedProcess: Sendable {
    public let pid: pid_t
    /// The process group (at adoption time).
    public let processGroupID: pid_t
    /// -1 without pidfd support; closed on deinit.
    private let pidfd: Int32

    /// Adopts `pid`, or returns `nil` when no such process is alive.
    public init?(pid: pid_t) {
        guard pid > 0, ProcessControl.isAlive(pid) else { return nil }
        let group = getpgid(pid)
        guard group > 0 else { return nil }
        self.pid = pid
        self.processGroupID = group
        self.pidfd = ProcessControl.openPidfd(pid)
    }

    deinit {
        if pidfd >= 0 { close(pidfd) }
    }

    /// Whether the process is still alive (a zombie is not).
    public var isAlive: Bool {
        if pidfd >= 0 {
            return !ProcessControl.pidfdSignalsExit(pidfd)
        }
        return ProcessControl.isAlive(pid)
    }

    /// Sends `signal` to the process, or to its whole group. Returns `false` when no one
    /// was left to receive it.
    @discardableResult
    public func signal(
        _ signal: ProcessSignal,
        to target: ChildProcessHandle.SignalTarget = .process
    ) throws(ChildProcessError) -> Bool {
        let rc: Int32
        switch target {
        case .process:
            rc = isAlive ? ProcessControl.send(signal, pidfd: pidfd, pid: pid) : ESRCH
        case .processGroup:
            guard processGroupID != getpgrp() else {
                throw ChildProcessError(executable: "pid \(pid)", kind: .noProcessGroup)
            }
            rc = ProcessControl.sendToGroup(signal, group: processGroupID)
        }
        if rc == 0 { return true }
        if rc == ESRCH { return false }
        throw ChildProcessError(executable: "pid \(pid)", kind: .signalFailed(signal), errno: Errno(rawValue: rc))
    }

    /// Waits until the process has exited, checking every `pollInterval`. Returns
    /// `false` if the calling task was cancelled first (the process keeps running).
    @discardableResult
    public func waitForExit(pollInterval: Duration = .milliseconds(100)) async -> Bool {
        while isAlive {
            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                return false
            }
        }
        return true
    }

    /// `SIGTERM`, up to `grace` for the process to exit, then `SIGKILL`; returns the last
    /// signal sent (`nil` if the process was already gone). Only the process itself is signalled
    /// (use ``signal(_:to:)`` for its group). Runs to the end even if the caller is cancelled.
    @discardableResult
    public func terminate(grace: Duration = .seconds(2)) async -> ProcessSignal? {
        await Task.detached(priority: Task.currentPriority) {
            guard self.isAlive else { return nil }
            var last: ProcessSignal = .kill
            if grace > .zero {
                _ = try? self.signal(.terminate)
                last = .terminate
                let deadline = ContinuousClock.now.advanced(by: grace)
                while self.isAlive, ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
            if self.isAlive {
                _ = try? self.signal(.kill)
                last = .kill
                let deadline = ContinuousClock.now.advanced(by: .seconds(2))
                while self.isAlive, ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(5))
                }
            }
            return last
        }.value
    }
}
