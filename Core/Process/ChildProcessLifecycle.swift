/// The life of one started child as a plain value (STYLE.md §1): events in, actions out.
/// ``ChildProcessMonitor`` keeps it behind a lock and performs the actions; every
/// transition is unit-tested without a process.
///
/// `Waiter` is whatever a suspended `wait()` is resumed through (a continuation in
/// production, an integer in tests).
struct ChildProcessLifecycle<Waiter> {
    typealias Outcome = Result<ChildProcessResult, ChildProcessError>

    enum Phase {
        /// Spawn requested, pid not known yet.
        case launching
        /// Running; `pidfd` is our own descriptor for it (-1 without pidfd support).
        case running(pid: Int32, pidfd: Int32)
        /// Exited (or lost) and reaped; the outcome is final.
        case finished(Outcome)
    }

    /// What to do after ``wait(id:waiter:)``.
    enum WaitAction {
        /// Resume the waiter at once with this outcome.
        case resume(Outcome)
        /// The waiter is stored and will be returned by ``finish(_:)`` or ``cancelWait(id:)``.
        case suspended
    }

    /// What to do after ``finish(_:)``.
    struct FinishAction {
        /// Resume each of these with `outcome`.
        var waiters: [Waiter]
        var outcome: Outcome
        /// Close this descriptor (-1: nothing to close).
        var descriptorToClose: Int32
    }

    let executable: String
    private(set) var phase: Phase = .launching
    private(set) var timedOut = false
    private var waiters: [Int: Waiter] = [:]
    private var cancelledBeforeWaiting: Set<Int> = []
    private var nextWaiterID = 0

    init(executable: String) {
        self.executable = executable
    }

    var isFinished: Bool {
        if case .finished = phase { return true }
        return false
    }

    var outcome: Outcome? {
        if case .finished(let outcome) = phase { return outcome }
        return nil
    }

    /// The pidfd to signal through, or `nil` once the child has been reaped (its pid may
    /// then belong to someone else).
    var signalTarget: (pid: Int32, pidfd: Int32)? {
        if case .running(let pid, let pidfd) = phase { return (pid, pidfd) }
        return nil
    }

    var suspendedWaiterCount: Int { waiters.count }

    mutating func launched(pid: Int32, pidfd: Int32) {
        phase = .running(pid: pid, pidfd: pidfd)
    }

    /// The run timed out: the outcome will say so.
    mutating func markTimedOut() {
        timedOut = true
    }

    mutating func makeWaiterID() -> Int {
        defer { nextWaiterID += 1 }
        return nextWaiterID
    }

    mutating func wait(id: Int, waiter: Waiter) -> WaitAction {
        if case .finished(let outcome) = phase {
            return .resume(outcome)
        }
        if cancelledBeforeWaiting.remove(id) != nil {
            return .resume(.failure(ChildProcessError(executable: executable, kind: .cancelled)))
        }
        waiters[id] = waiter
        return .suspended
    }

    /// The waiting task was cancelled. Returns the waiter to resume with `.cancelled`, or
    /// `nil` when it was not suspended (yet): then a later ``wait(id:waiter:)`` with this
    /// id resumes at once.
    mutating func cancelWait(id: Int) -> Waiter? {
        if let waiter = waiters.removeValue(forKey: id) {
            return waiter
        }
        if !isFinished {
            cancelledBeforeWaiting.insert(id)
        }
        return nil
    }

    /// The child was reaped (or watching it failed). Only the first call counts.
    mutating func finish(_ outcome: Outcome) -> FinishAction {
        if case .finished(let existing) = phase {
            return FinishAction(waiters: [], outcome: existing, descriptorToClose: -1)
        }
        var final = outcome
        if timedOut, case .success(var result) = final {
            result.timedOut = true
            final = .success(result)
        }
        var descriptor: Int32 = -1
        if case .running(_, let pidfd) = phase {
            descriptor = pidfd
        }
        phase = .finished(final)
        let resumed = waiters.sorted { $0.key < $1.key }.map(\.value)
        waiters.removeAll()
        cancelledBeforeWaiting.removeAll()
        return FinishAction(waiters: resumed, outcome: final, descriptorToClose: descriptor)
    }
}
