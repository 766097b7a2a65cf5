import Testing
@testable import QVDCore

@Suite struct ChildProcessLifecycleTests {
    typealias Lifecycle = ChildProcessLifecycle<String>

    private func result(_ status: ChildProcessStatus) -> ChildProcessResult {
        ChildProcessResult(executable: "/bin/true", pid: 42, status: status, timedOut: false, duration: .milliseconds(5))
    }

    @Test func waitersSuspendUntilFinishThenResumeInOrderAndPidfdIsClosed() throws {
        var lifecycle = Lifecycle(executable: "/bin/true")
        lifecycle.launched(pid: 42, pidfd: 17)
        #expect(lifecycle.signalTarget?.pid == 42)
        #expect(lifecycle.signalTarget?.pidfd == 17)
        let first = lifecycle.makeWaiterID()
        let second = lifecycle.makeWaiterID()
        guard case .suspended = lifecycle.wait(id: second, waiter: "second") else {
            Issue.record("expected suspension"); return
        }
        guard case .suspended = lifecycle.wait(id: first, waiter: "first") else {
            Issue.record("expected suspension"); return
        }
        let action = lifecycle.finish(.success(result(.exited(0))))
        #expect(action.waiters == ["first", "second"])
        #expect(action.descriptorToClose == 17)
        #expect(try action.outcome.get().status == .exited(0))
        #expect(lifecycle.signalTarget == nil)
        #expect(lifecycle.isFinished)
        #expect(lifecycle.suspendedWaiterCount == 0)
    }

    @Test func waitAfterFinishResumesAtOnce() throws {
        var lifecycle = Lifecycle(executable: "/bin/true")
        lifecycle.launched(pid: 42, pidfd: -1)
        _ = lifecycle.finish(.success(result(.signalled(.kill))))
        let id = lifecycle.makeWaiterID()
        guard case .resume(let outcome) = lifecycle.wait(id: id, waiter: "late") else {
            Issue.record("expected immediate resume"); return
        }
        #expect(try outcome.get().status == .signalled(.kill))
    }

    @Test func cancellingASuspendedWaiterHandsItBack() {
        var lifecycle = Lifecycle(executable: "/bin/true")
        let id = lifecycle.makeWaiterID()
        _ = lifecycle.wait(id: id, waiter: "w")
        #expect(lifecycle.cancelWait(id: id) == "w")
        #expect(lifecycle.suspendedWaiterCount == 0)
        #expect(lifecycle.finish(.success(result(.exited(0)))).waiters.isEmpty)
    }

    @Test func cancellationBeforeWaitingResumesTheLaterWaitWithCancelled() {
        var lifecycle = Lifecycle(executable: "/usr/bin/xinit")
        let id = lifecycle.makeWaiterID()
        #expect(lifecycle.cancelWait(id: id) == nil)
        guard case .resume(.failure(let error)) = lifecycle.wait(id: id, waiter: "w") else {
            Issue.record("expected cancelled"); return
        }
        #expect(error.kind == .cancelled)
        #expect(error.executable == "/usr/bin/xinit")
        #expect(lifecycle.suspendedWaiterCount == 0)
    }

    @Test func timedOutMarkReachesTheOutcome() throws {
        var lifecycle = Lifecycle(executable: "/bin/sleep")
        lifecycle.launched(pid: 42, pidfd: 9)
        lifecycle.markTimedOut()
        let action = lifecycle.finish(.success(result(.signalled(.kill))))
        #expect(try action.outcome.get().timedOut == true)
    }

    @Test func onlyTheFirstFinishCounts() throws {
        var lifecycle = Lifecycle(executable: "/bin/true")
        lifecycle.launched(pid: 42, pidfd: 9)
        _ = lifecycle.finish(.success(result(.exited(3))))
        let second = lifecycle.finish(.success(result(.exited(4))))
        #expect(second.descriptorToClose == -1)
        #expect(try second.outcome.get().status == .exited(3))
        #expect(try lifecycle.outcome?.get().status == .exited(3))
    }
}
