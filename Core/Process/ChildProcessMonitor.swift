#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Holds one child's ``ChildProcessLifecycle`` behind a lock and performs its actions:
/// resuming waiters, closing our pidfd, signalling. Shared by the task that watches the
/// child and every ``ChildProcessHandle`` call, from any task.
final class ChildProcessMonitor: Sendable {
    typealias Outcome = Result<ChildProcessResult, ChildProcessError>
    typealias Waiter = CheckedContinuation<Outcome, Never>

    let executable: String
    private let state: Mutex<ChildProcessLifecycle<Waiter>>

    init(executable: String) {
        self.executable = executable
        self.state = Mutex(ChildProcessLifecycle(executable: executable))
    }

    deinit {
        // A monitor is only dropped after `finish`, which closes the pidfd; this covers a
        // child whose watching task ended without reporting (it cannot, but be safe).
        state.withLock { lifecycle in
            if let target = lifecycle.signalTarget, target.pidfd >= 0 {
                close(target.pidfd)
            }
        }
    }

    var isFinished: Bool { state.withLock { $0.isFinished } }

    var outcome: Outcome? { state.withLock { $0.outcome } }

    func launched(pid: Int32, pidfd: Int32) {
        state.withLock { $0.launched(pid: pid, pidfd: pidfd) }
    }

    func markTimedOut() {
        state.withLock { $0.markTimedOut() }
    }

    func finish(_ outcome: Outcome) {
        let action = state.withLock { $0.finish(outcome) }
        if action.descriptorToClose >= 0 {
            close(action.descriptorToClose)
        }
        for waiter in action.waiters {
            waiter.resume(returning: action.outcome)
        }
    }

    /// Sends `signal` to the child itself. Returns 0 or the errno; `ESRCH` once it has
    /// been reaped. Done under the lock so the pidfd cannot be closed meanwhile.
    func send(_ signal: ProcessSignal) -> Int32 {
        state.withLock { lifecycle in
            guard let target = lifecycle.signalTarget else { return ESRCH }
            return ProcessControl.send(signal, pidfd: target.pidfd, pid: target.pid)
        }
    }

    /// Waits for the outcome; a cancelled task stops waiting with `.cancelled` and the
    /// child keeps running.
    func wait() async -> Outcome {
        let id = state.withLock { $0.makeWaiterID() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: Waiter) in
                let action = state.withLock { $0.wait(id: id, waiter: waiter) }
                if case .resume(let outcome) = action {
                    waiter.resume(returning: outcome)
                }
            }
        } onCancel: {
            let waiter = state.withLock { $0.cancelWait(id: id) }
            waiter?.resume(returning: .failure(ChildProcessError(executable: executable, kind: .cancelled)))
        }
    }

    /// Waits for the outcome whatever happens to the calling task.
    func waitIgnoringCancellation() async -> Outcome {
        let id = state.withLock { $0.makeWaiterID() }
        return await withCheckedContinuation { (waiter: Waiter) in
            let action = state.withLock { $0.wait(id: id, waiter: waiter) }
            if case .resume(let outcome) = action {
                waiter.resume(returning: outcome)
            }
        }
    }
}
