import Foundation
import Testing
@testable import QVDAgent

@Suite("SessionStateMachine timeouts")
struct SessionStateMachineTimeoutTests {
    let pid = SessionTestHarness.pid

    @Test("fresh session: listening times out after 10 s, TERM once, aborted → stopped; lingering xinit gets TERM after 5 s, KILL 20 s later (S60)")
    func freshListeningTimeout() throws {
        var h = SessionTestHarness()
        h.listeningFresh()
        let listeningSince = h.now
        #expect(h.machine.nextDeadline() == listeningSince.addingTimeInterval(10))
        #expect(h.send(.tick, after: 9.75) == [])
        let r = h.request()
        var actions = h.send(.xState(r), after: 0.25)
        #expect(actions == [.signalAgent(pid: pid, .terminate), .reply(r, .value("stopping"))])
        // No second TERM on the next polls.
        let r2 = h.request()
        actions = h.send(.xState(r2), after: 1)
        #expect(actions == [.reply(r2, .value("stopping"))])
        actions = h.line("Session: Aborting session at 'x'.")
        #expect(actions == [h.stateRecord(.aborting)])
        actions = h.line("Session: Session aborted at 'x'.")
        #expect(actions == [.removeStateFiles, .unmountShares, .stopAudio, .runStateHook(.stopped)])
        #expect(h.xState() == "stopped")

        // xinit lingers (observed ~3 s): a new x_start waits; after 5 s TERM, after 20 more KILL.
        let ended = h.now
        let r3 = h.request()
        actions = h.send(.xStart(r3, SessionTestHarness.freshParameters))
        #expect(actions == [.reply(r3, .error("Unable to start/resume X session in state stopping, try again in a few minutes\n"))])
        #expect(h.machine.nextDeadline() == ended.addingTimeInterval(5))
        #expect(h.send(.tick, after: 4.75) == [])
        #expect(h.send(.tick, after: 0.25) == [.signalLauncher(.terminate)])
        #expect(h.send(.tick, after: 19.75) == [])
        #expect(h.send(.tick, after: 0.25) == [.signalLauncher(.kill)])
        #expect(h.send(.tick, after: 60) == [])
        #expect(h.send(.launcherExited(status: nil)) == [])
        #expect(h.machine.nextDeadline() == nil)
        let r4 = h.request()
        actions = h.send(.xStart(r4, SessionTestHarness.freshParameters))
        #expect(actions.count == 1)
        #expect(h.stateHookCount(.stopped) == 1)
    }

    @Test("starting times out while the connect hook runs: the step is cancelled, then stopped (fix)")
    func startingTimeoutDuringConnectHook() {
        var h = SessionTestHarness()
        _ = h.send(.xStart(h.request(), SessionTestHarness.freshParameters))
        _ = h.send(.hookFinished(SessionHookRunID(1)))
        _ = h.send(.provisioningFinished, after: 1)
        #expect(h.send(.tick, after: 88.75) == [])
        #expect(h.send(.tick, after: 0.25) == [.cancelLaunchStep])
        #expect(h.xState() == "stopping")
        #expect(h.send(.hookFailed(SessionHookRunID(2), message: "hook /h for action connect on state starting killed after 60 s")) == [
            .removeStateFiles, .runStateHook(.stopped),
        ])
        #expect(h.xState() == "stopped")
    }

    @Test("a connect hook that succeeds after the cancel does not launch")
    func connectHookSucceedsAfterCancel() {
        var h = SessionTestHarness()
        _ = h.send(.xStart(h.request(), SessionTestHarness.freshParameters))
        _ = h.send(.hookFinished(SessionHookRunID(1)))
        _ = h.send(.provisioningFinished)
        #expect(h.send(.tick, after: 90) == [.cancelLaunchStep])
        #expect(h.send(.hookFinished(SessionHookRunID(2))) == [.removeStateFiles, .runStateHook(.stopped)])
        #expect(!h.machine.launcherRunning)
    }

    @Test("starting times out after xinit started but before nxagent's pid: TERM to the launcher")
    func startingTimeoutWithLauncher() {
        var h = SessionTestHarness()
        h.launchFresh()
        #expect(h.send(.tick, after: 90) == [.signalLauncher(.terminate)])
        #expect(h.send(.launcherExited(status: nil), after: 0.5) == [.removeStateFiles, .unmountShares, .stopAudio, .runStateHook(.stopped)])
    }

    @Test("a late Starting line after the TERM does not cancel the stop")
    func lateStartingLine() {
        var h = SessionTestHarness()
        h.launchFresh()
        #expect(h.send(.tick, after: 90) == [.signalLauncher(.terminate)])
        _ = h.line("Info: Agent running with pid '4242'.")
        #expect(h.line("Session: Starting session at 'x'.") == [h.stateRecord(.starting)])
        #expect(h.xState() == "stopping")
        #expect(h.send(.tick, after: 20) == [.signalAgent(pid: pid, .kill), .signalLauncher(.kill)])
    }

    @Test("starting times out (90 s) with nxagent's pid known: TERM, then KILL after 20 s, gone → stopped")
    func startingTimeoutWithPID() {
        var h = SessionTestHarness()
        h.launchFresh()
        _ = h.line("Info: Agent running with pid '4242'.", after: 1)
        #expect(h.send(.tick, after: 89) == [.signalAgent(pid: pid, .terminate)])
        #expect(h.send(.tick, after: 19.75) == [])
        #expect(h.send(.tick, after: 0.25) == [.signalAgent(pid: pid, .kill), .signalLauncher(.kill)])
        #expect(h.send(.tick, after: 10) == [])
        #expect(h.send(.agentProcessGone) == [.removeStateFiles, .unmountShares, .stopAudio, .runStateHook(.stopped)])
        #expect(h.send(.launcherExited(status: nil)) == [])
    }

    @Test("provisioning times out after internal.nxagent.timeout.provisioning (600 s)")
    func provisioningTimeout() {
        var h = SessionTestHarness()
        _ = h.send(.xStart(h.request(), SessionTestHarness.freshParameters))
        _ = h.send(.hookFinished(SessionHookRunID(1)))
        _ = h.send(.provisioningStarted, after: 1)
        #expect(h.send(.tick, after: 599) == [])
        #expect(h.xState() == "provisioning")
        #expect(h.send(.tick, after: 1) == [.cancelLaunchStep])
        #expect(h.send(.provisioningFailed(message: "mkfs.ext4 killed")) == [.removeStateFiles, .runStateHook(.stopped)])
    }

    @Test("a cancelled step that never reports back is given up after the kill grace")
    func cancelledStepNeverReports() {
        var h = SessionTestHarness()
        _ = h.send(.xStart(h.request(), SessionTestHarness.freshParameters))
        _ = h.send(.hookFinished(SessionHookRunID(1)))
        _ = h.send(.provisioningStarted)
        #expect(h.send(.tick, after: 600) == [.cancelLaunchStep])
        #expect(h.send(.tick, after: 20) == [.removeStateFiles, .runStateHook(.stopped)])
        #expect(h.send(.provisioningFinished) == [])
        #expect(h.stateHookCount(.stopped) == 1)
    }

    @Test("x_stop on a hung nxagent: TERM, KILL 20 s later, stopped once, disconnect once")
    func killAfterGrace() {
        var h = SessionTestHarness()
        h.connectedFresh()
        let r = h.request()
        #expect(h.send(.xStop(r)) == [.runActionHook(.awaited(3, .stop, state: .connected))])
        #expect(h.send(.hookFinished(SessionHookRunID(3))) == [
            .signalAgent(pid: pid, .terminate), .runActionHook(.disconnect(4, state: .stopping)), .reply(r, .value("stopping")),
        ])
        #expect(h.machine.nextDeadline() == h.now.addingTimeInterval(20))
        #expect(h.send(.tick, after: 19.75) == [])
        #expect(h.send(.tick, after: 0.25) == [.signalAgent(pid: pid, .kill), .signalLauncher(.kill)])
        #expect(h.send(.agentProcessGone, after: 0.25) == [.removeStateFiles, .unmountShares, .stopAudio, .runStateHook(.stopped)])
        #expect(h.stateHookCount(.stopped) == 1)
        #expect(h.actionHooksRun.filter { $0 == .disconnect }.count == 1)
    }

    @Test("suspending times out after 20 s")
    func suspendingTimeout() {
        var h = SessionTestHarness()
        h.connectedFresh()
        _ = h.send(.xSuspend(h.request()))
        _ = h.send(.hookFinished(SessionHookRunID(3)))
        _ = h.line("Session: Suspending session at 'x'.")
        #expect(h.send(.tick, after: 19.75) == [])
        #expect(h.send(.tick, after: 0.25) == [.signalAgent(pid: pid, .terminate)])
        #expect(h.xState() == "stopping")
    }

    @Test("nxagent terminating by itself for more than 20 s gets TERM, then KILL")
    func stoppingTimeout() {
        var h = SessionTestHarness()
        h.connectedFresh()
        #expect(h.line("Session: Terminating session at 'x'.") == [h.stateRecord(.terminating), .runActionHook(.disconnect(3, state: .stopping))])
        #expect(h.send(.tick, after: 20) == [.signalAgent(pid: pid, .terminate)])
        #expect(h.send(.tick, after: 19.75) == [])
        #expect(h.send(.tick, after: 0.25) == [.signalAgent(pid: pid, .kill), .signalLauncher(.kill)])
    }

    @Test("a resume whose HUP gets no answer times out in starting")
    func resumeStartingTimeout() {
        var h = SessionTestHarness()
        h.suspendedSession()
        _ = h.send(.xStart(h.request(), SessionTestHarness.freshParameters))
        _ = h.send(.hookFinished(SessionHookRunID(5)))
        _ = h.send(.hookFinished(SessionHookRunID(6)))
        #expect(h.xState(after: 89) == "starting")
        #expect(h.send(.tick, after: 1) == [.signalAgent(pid: pid, .terminate)])
    }

    @Test("connected and suspended never time out")
    func noTimeouts() {
        var h = SessionTestHarness()
        h.connectedFresh()
        #expect(h.machine.nextDeadline() == nil)
        #expect(h.send(.tick, after: 1_000_000) == [])
        #expect(h.xState() == "connected")
        var s = SessionTestHarness()
        s.suspendedSession()
        #expect(s.send(.tick, after: 1_000_000) == [])
        #expect(s.xState() == "suspended")
    }

    @Test("configured timeouts are used")
    func configured() {
        var configuration = SessionTestHarness.configuration
        configuration.timeouts = SessionTimeouts(listening: 3, stopping: 1)
        var h = SessionTestHarness(configuration: configuration)
        h.listeningFresh()
        #expect(h.send(.tick, after: 2.75) == [])
        #expect(h.send(.tick, after: 0.25) == [.signalAgent(pid: pid, .terminate)])
        #expect(h.send(.tick, after: 1) == [.signalAgent(pid: pid, .kill), .signalLauncher(.kill)])
        #expect(SessionTimeouts().limit(for: .starting) == 90)
        #expect(SessionTimeouts().killAfterTerm == 20)
        #expect(SessionTimeouts().limit(for: .provisioning) == 600)
        #expect(SessionTimeouts().limit(for: .listening) == 10)
        #expect(SessionTimeouts().limit(for: .suspending) == 20)
        #expect(SessionTimeouts().limit(for: .stopping) == 20)
        #expect(SessionTimeouts().limit(for: .connected) == nil)
    }
}
