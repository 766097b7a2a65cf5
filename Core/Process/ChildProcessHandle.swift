#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// A running child started with ``ChildProcess/start(_:)``: nxagent's `xinit`, `nxproxy`,
/// `sshfs`, anything long-lived. The agent signals nxagent through it: HUP to suspend or
/// resume, TERM to stop (`upstream-vma.md §2.4`, `§10`).
///
/// The child is watched from the moment it starts: its output is pumped to the
/// configured destinations and it is reaped when it exits, whether or not anyone calls
/// ``wait()`` and even if the handle is dropped, so it never becomes a zombie and its
/// descriptors are closed. Every method is safe to call from any task, concurrently.
///
/// Cancellation: a task cancelled inside ``wait()`` stops waiting and the child keeps
/// running (the agent must be able to stop while the X session lives on);
/// ``terminate(grace:)`` always runs to the end, even from a cancelled task.
public final class ChildProcessHandle: Sendable {
    /// Who receives a signal.
    public enum SignalTarget: Sendable, Hashable {
        /// The child alone (through its pidfd, so never a recycled pid).
        case process
        /// Every process in the child's process group (it and what it started).
        case processGroup
    }

    public let pid: pid_t
    /// The child's process group (its own pid), or `nil` when it stayed in ours
    /// (``ChildProcessGroupMode/inherit``).
    public let processGroupID: pid_t?
    /// The executable as configured.
    public let executable: String
    /// The grace ``terminate(grace:)`` uses by default.
    public let terminationGrace: Duration

    let monitor: ChildProcessMonitor

    init(pid: pid_t, processGroupID: pid_t?, executable: String, terminationGrace: Duration, monitor: ChildProcessMonitor) {
        self.pid = pid
        self.processGroupID = processGroupID
        self.executable = executable
        self.terminationGrace = terminationGrace
        self.monitor = monitor
    }

    /// `true` until the child has exited and been reaped.
    public var isRunning: Bool { !monitor.isFinished }

    /// The final result once the child has exited; `nil` while it runs.
    public var result: ChildProcessResult? {
        if case .success(let result) = monitor.outcome { return result }
        return nil
    }

    /// Sends `signal` to the child or its whole group. Returns `false` when there is no
    /// one left to receive it (the child was reaped, or the group is empty).
    @discardableResult
    public func signal(_ signal: ProcessSignal, to target: SignalTarget = .process) throws(ChildProcessError) -> Bool {
        let rc: Int32
        switch target {
        case .process:
            rc = monitor.send(signal)
        case .processGroup:
            guard let processGroupID else {
                throw ChildProcessError(executable: executable, kind: .noProcessGroup)
            }
            rc = ProcessControl.sendToGroup(signal, group: processGroupID)
        }
        if rc == 0 { return true }
        if rc == ESRCH { return false }
        throw ChildProcessError(executable: executable, kind: .signalFailed(signal), errno: Errno(rawValue: rc))
    }

    /// Waits until the child has exited and its output has been delivered.
    ///
    /// Throws `.cancelled` if the calling task is cancelled (the child keeps running) and
    /// `.monitoringFailed` if the child could not be watched.
    public func wait() async throws(ChildProcessError) -> ChildProcessResult {
        try await monitor.wait().get()
    }

    /// Ends the child and everything in its process group: `SIGTERM`, up to `grace`
    /// (default ``terminationGrace``) for all of them to exit, then `SIGKILL` to whatever
    /// is left. A zero grace sends `SIGKILL` at once. Returns the child's result, once
    /// no process of the group is left alive (waiting at most 2 s after `SIGKILL` for
    /// processes stuck in uninterruptible I/O); its status names the signal that ended
    /// the child. Runs to completion even when the calling task is cancelled.
    @discardableResult
    public func terminate(grace: Duration? = nil) async throws(ChildProcessError) -> ChildProcessResult {
        let grace = grace ?? terminationGrace
        // A detached task is not cancelled with the caller, so the grace period and the
        // final SIGKILL always happen.
        let outcome = await Task.detached(priority: Task.currentPriority) {
            await self.performTermination(grace: grace)
        }.value
        return try outcome.get()
    }

    /// Waits for the child, for at most `timeout`; on expiry terminates it and its group
    /// (see ``terminate(grace:)``) and reports `timedOut`. A cancelled caller terminates
    /// the child too, then gets `.cancelled`: used by ``ChildProcess/run(_:timeout:)``.
    func waitTerminatingOnExpiry(timeout: Duration?) async throws(ChildProcessError) -> ChildProcessResult {
        enum Race: Sendable {
            case exited(ChildProcessMonitor.Outcome)
            case timerFired
            case timerCancelled
        }
        let monitor = self.monitor
        let first: Race = await withTaskGroup(of: Race.self) { group in
            group.addTask { .exited(await monitor.wait()) }
            if let timeout {
                group.addTask {
                    do {
                        try await Task.sleep(for: timeout)
                        return .timerFired
                    } catch {
                        return .timerCancelled
                    }
                }
            }
            let first = await group.next() ?? .timerCancelled
            group.cancelAll()
            return first
        }
        switch first {
        case .exited(.success(let result)):
            return result
        case .exited(.failure(let error)) where error.kind != .cancelled:
            throw error
        case .timerFired:
            if monitor.isFinished {
                return try await monitor.waitIgnoringCancellation().get()
            }
            monitor.markTimedOut()
            var result = try await terminate()
            result.timedOut = true
            return result
        case .exited(.failure), .timerCancelled:
            // Our caller was cancelled: leave nothing running behind.
            _ = try? await terminate()
            throw ChildProcessError(executable: executable, kind: .cancelled)
        }
    }

    private func performTermination(grace: Duration) async -> ChildProcessMonitor.Outcome {
        if isDone() {
            return await monitor.waitIgnoringCancellation()
        }
        if grace > .zero {
            sendToAll(.terminate)
            // A stopped process acts on TERM only once continued.
            sendToAll(.continue)
            let deadline = ContinuousClock.now.advanced(by: grace)
            while ContinuousClock.now < deadline, !isDone() {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        if !isDone() {
            sendToAll(.kill)
        }
        let outcome = await monitor.waitIgnoringCancellation()
        // SIGKILL is acted on when each process next runs, so a grandchild may outlive
        // the reaped leader by a moment: return only once the group is empty, so callers
        // can rely on nothing being left. Bounded, because a process in uninterruptible
        // sleep (a hung FUSE mount) dies only when its I/O returns.
        if let processGroupID {
            let deadline = ContinuousClock.now.advanced(by: Self.groupExitWait)
            while ContinuousClock.now < deadline, ProcessControl.groupHasLivingMembers(processGroupID) {
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        return outcome
    }

    /// How long ``terminate(grace:)`` waits, after `SIGKILL`, for the rest of the group.
    static let groupExitWait: Duration = .seconds(2)

    /// The child has been reaped and no living process is left in its group.
    private func isDone() -> Bool {
        guard monitor.isFinished else { return false }
        guard let processGroupID else { return true }
        return !ProcessControl.groupHasLivingMembers(processGroupID)
    }

    private func sendToAll(_ signal: ProcessSignal) {
        guard let processGroupID else {
            _ = monitor.send(signal)
            return
        }
        _ = ProcessControl.sendToGroup(signal, group: processGroupID)
        // A child that left its group (setsid of its own) is not reached by the group
        // signal; reach it directly, but never signal it twice.
        if !monitor.isFinished, getpgid(pid) != processGroupID {
            _ = monitor.send(signal)
        }
    }
}
