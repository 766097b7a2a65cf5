import Foundation
import Testing
@testable import QVDAgent

/// The session life cycle of the vma-diff transcript (steps S02-S58), transition by transition:
/// fresh start → listening → connected → suspend → suspended → resume → listening → connected
/// → takeover → resume → listening timeout → resume → x_stop (back to suspended) → x_stop →
/// stopped. Each step checks the exact actions, including the state file line written and the
/// hooks fired.
@Suite("SessionStateMachine life cycle")
struct SessionStateMachineLifeCycleTests {
    let pid = SessionTestHarness.pid
    let fresh = SessionTestHarness.freshParameters
    let changed = SessionTestHarness.resumeParameters

    @Test("the whole recorded life cycle")
    func wholeLifeCycle() {
        var h = SessionTestHarness()
        var r = h.request()
        var actions: [SessionAction]

        // S02, S04, S05: nothing to do without a session.
        #expect(h.xState() == "stopped")
        actions = h.send(.xSuspend(r))
        #expect(actions == [.reply(r, .value("stopped"))])
        r = h.request()
        actions = h.send(.xStop(r))
        #expect(actions == [.reply(r, .value("stopped"))])

        // S36 fresh x_start: pre_connect (state stopped) → initiating → "starting" → provisioning.
        r = h.request()
        actions = h.send(.xStart(r, fresh))
        #expect(actions == [.runActionHook(.awaited(1, .preConnect, fresh, state: .stopped))])
        #expect(h.xState() == "stopped")
        actions = h.send(.hookFinished(SessionHookRunID(1)), after: 0.25)
        #expect(actions == [.prepareSession(fresh), h.stateRecord(.initiating), .reply(r, .value("starting")), .provisionUser(fresh)])
        #expect(h.xState() == "starting")
        actions = h.send(.provisioningStarted, after: 0.25)
        #expect(actions == [h.stateRecord(.provisioning)])
        #expect(h.xState() == "provisioning")
        // The connect hook sees "provisioning", as in the transcript.
        actions = h.send(.provisioningFinished, after: 0.5)
        #expect(actions == [.runActionHook(.awaited(2, .connect, fresh, state: .provisioning))])
        actions = h.send(.hookFinished(SessionHookRunID(2)), after: 0.25)
        #expect(actions == [.writeOptionsFile(SessionTestHarness.freshOptionsFile),
                            .launchSession(arguments: SessionTestHarness.argv, parameters: fresh)])
        #expect(h.machine.launcherRunning)
        actions = h.line("Info: Agent running with pid '4242'.", after: 0.25)
        #expect(actions == [.writePIDFile(pid)])
        actions = h.line("Session: Starting session at 'Thu Nov 26 23:01:31 2026'.")
        #expect(actions == [h.stateRecord(.starting)])

        // S37, S38: listening; x_start again is refused with upstream's text.
        #expect(h.xState() == "listening")
        r = h.request()
        actions = h.send(.xStart(r, fresh), after: 0.5)
        #expect(actions == [.reply(r, .error("Unable to start/resume X session in state listening, try again in a few minutes\n"))])

        // S39, S40: the client attaches.
        actions = h.line("Info: Listening to slave connections on port 'tcp:localhost:11100'.", after: 1)
        #expect(actions == [.slaveChannelListening(port: 11100)])
        actions = h.line("Session: Session started at 'Thu Nov 26 23:01:33 2026'.")
        #expect(actions == [h.stateRecord(.started), .runStateHook(.connected)])
        #expect(h.xState() == "connected")

        // S41, S42: x_suspend → suspend hook → HUP → "starting" (sic) → suspending → suspended.
        r = h.request()
        actions = h.send(.xSuspend(r), after: 1)
        #expect(actions == [.runActionHook(.awaited(3, .suspend, state: .connected))])
        actions = h.send(.hookFinished(SessionHookRunID(3)))
        #expect(actions == [.signalAgent(pid: pid, .hangUp), .reply(r, .value("starting"))])
        actions = h.line("Session: Suspending session at 'x'.")
        #expect(actions == [h.stateRecord(.suspending), .runActionHook(.disconnect(4, state: .suspending))])
        #expect(h.xState() == "suspending")
        actions = h.line("Session: Session suspended at 'x'.", after: 1)
        #expect(actions == [.unmountShares, .stopAudio, h.stateRecord(.suspended), .runStateHook(.suspended)])

        // S43: x_suspend while suspended answers the state.
        r = h.request()
        actions = h.send(.xSuspend(r))
        #expect(actions == [.reply(r, .value("suspended"))])

        // S44: resume with changed parameters: options file rewritten before the HUP, connect after.
        r = h.request()
        actions = h.send(.xStart(r, changed), after: 2)
        #expect(actions == [.runActionHook(.awaited(5, .preConnect, changed, state: .suspended))])
        actions = h.send(.hookFinished(SessionHookRunID(5)))
        #expect(actions == [.prepareSession(changed), h.stateRecord(.initiating),
                            .writeOptionsFile(SessionTestHarness.resumeOptionsFile), .signalAgent(pid: pid, .hangUp),
                            .runActionHook(.awaited(6, .connect, changed, state: .starting))])
        actions = h.send(.hookFinished(SessionHookRunID(6)))
        #expect(actions == [.reply(r, .value("starting"))])

        // S45, S46: resuming (listening), the client reconnects.
        actions = h.line("Session: Resuming session at 'x'.", after: 0.25)
        #expect(actions == [h.stateRecord(.resuming)])
        #expect(h.xState() == "listening")
        actions = h.line("Session: Session resumed at 'x'.", after: 1)
        #expect(actions == [h.stateRecord(.resumed), .runStateHook(.connected)])

        // S47, S48: takeover: HUP and an error; nxagent suspends.
        r = h.request()
        actions = h.send(.xStart(r, fresh), after: 1)
        #expect(actions == [.signalAgent(pid: pid, .hangUp),
                            .reply(r, .error("Can't connect to X session in state connected, suspending it, retry later\n"))])
        actions = h.line("Session: Suspending session at 'x'.")
        #expect(actions == [h.stateRecord(.suspending), .runActionHook(.disconnect(7, state: .suspending))])
        actions = h.line("Session: Session suspended at 'x'.", after: 1)
        #expect(actions == [.unmountShares, .stopAudio, h.stateRecord(.suspended), .runStateHook(.suspended)])

        // S49, S50: the L7R's retry resumes.
        r = h.request()
        actions = h.send(.xStart(r, fresh), after: 1)
        #expect(actions == [.runActionHook(.awaited(8, .preConnect, fresh, state: .suspended))])
        actions = h.send(.hookFinished(SessionHookRunID(8)))
        #expect(actions == [.prepareSession(fresh), h.stateRecord(.initiating),
                            .writeOptionsFile(SessionTestHarness.freshOptionsFile), .signalAgent(pid: pid, .hangUp),
                            .runActionHook(.awaited(9, .connect, fresh, state: .starting))])
        actions = h.send(.hookFinished(SessionHookRunID(9)))
        #expect(actions == [.reply(r, .value("starting"))])
        actions = h.line("Session: Resuming session at 'x'.")
        #expect(actions == [h.stateRecord(.resuming)])

        // S51: nobody reconnects: after 10 s TERM; nxagent goes back to suspended, no KILL follows.
        actions = h.send(.tick, after: 9.75)
        #expect(actions == [])
        #expect(h.xState() == "listening")
        r = h.request()
        actions = h.send(.xState(r), after: 0.25)
        #expect(actions == [.signalAgent(pid: pid, .terminate), .reply(r, .value("stopping"))])
        #expect(h.xState(after: 1) == "stopping")
        actions = h.line("Session: Display failure detected at 'x'.")
        #expect(actions == [])
        actions = h.line("Session: Session suspended at 'x'.")
        #expect(actions == [.unmountShares, .stopAudio, h.stateRecord(.suspended), .runStateHook(.suspended)])
        actions = h.send(.tick, after: 30)
        #expect(actions == [])
        #expect(h.xState() == "suspended")

        // S52-S55: resume, then x_stop while listening: stop hook sees "listening", TERM,
        // "stopping", and nxagent goes back to suspended.
        r = h.request()
        _ = h.send(.xStart(r, fresh), after: 1)
        _ = h.send(.hookFinished(SessionHookRunID(10)))
        actions = h.send(.hookFinished(SessionHookRunID(11)))
        #expect(actions == [.reply(r, .value("starting"))])
        _ = h.line("Session: Resuming session at 'x'.")
        #expect(h.xState() == "listening")
        r = h.request()
        actions = h.send(.xStop(r), after: 0.5)
        #expect(actions == [.runActionHook(.awaited(12, .stop, state: .listening))])
        actions = h.send(.hookFinished(SessionHookRunID(12)))
        #expect(actions == [.signalAgent(pid: pid, .terminate), .reply(r, .value("stopping"))])
        #expect(h.xState() == "stopping")
        actions = h.line("Session: Session suspended at 'x'.", after: 0.25)
        #expect(actions == [.unmountShares, .stopAudio, h.stateRecord(.suspended), .runStateHook(.suspended)])
        #expect(h.xState(after: 1) == "suspended")

        // S56, S57: x_stop while suspended really ends the session; `stopped` fires once.
        r = h.request()
        actions = h.send(.xStop(r))
        #expect(actions == [.runActionHook(.awaited(13, .stop, state: .suspended))])
        actions = h.send(.hookFinished(SessionHookRunID(13)))
        #expect(actions == [.signalAgent(pid: pid, .terminate), .reply(r, .value("stopping"))])
        actions = h.line("Session: Terminating session at 'x'.")
        #expect(actions == [h.stateRecord(.terminating)])
        actions = h.line("Session: Session terminated at 'x'.")
        #expect(actions == [.removeStateFiles, .unmountShares, .stopAudio, .runStateHook(.stopped)])
        #expect(h.xState() == "stopped")
        actions = h.send(.launcherExited(status: 0), after: 0.25)
        #expect(actions == [])
        #expect(!h.machine.launcherRunning)

        // S58: x_stop while stopped.
        r = h.request()
        actions = h.send(.xStop(r))
        #expect(actions == [.reply(r, .value("stopped"))])

        // Exactly-once state hooks over the whole cycle, and the action hooks in order.
        #expect(h.stateHookCount(.stopped) == 1)
        #expect(h.stateHookCount(.connected) == 2)
        #expect(h.stateHookCount(.suspended) == 4)
        #expect(h.actionHooksRun == [.preConnect, .connect, .suspend, .disconnect, .preConnect, .connect, .disconnect,
                                     .preConnect, .connect, .preConnect, .connect, .stop, .stop])
        #expect(h.machine.nextDeadline() == nil)
    }

    @Test("fresh start without provisioning work: the connect hook sees starting (S59)")
    func freshWithoutProvisioning() {
        var h = SessionTestHarness()
        let r = h.request()
        _ = h.send(.xStart(r, fresh))
        _ = h.send(.hookFinished(SessionHookRunID(1)))
        let actions = h.send(.provisioningFinished)
        #expect(actions == [.runActionHook(.awaited(2, .connect, fresh, state: .starting))])
        #expect(h.actionHooksRun == [.preConnect, .connect])
    }

    @Test("the handle(line:) helper ignores lines that are not nxagent events")
    func otherLines() {
        var h = SessionTestHarness()
        h.listeningFresh()
        #expect(h.line("Info: Using LAN link parameters 1536/24/1/0.") == [])
        #expect(h.line("some X session output") == [])
        #expect(h.line("Info: Listening to multimedia connections on port 'tcp:localhost:7100'.") == [.multimediaChannelListening(port: 7100)])
    }

    @Test("nxagent lines after the session ended change nothing")
    func linesAfterEnd() {
        var h = SessionTestHarness()
        h.connectedFresh()
        _ = h.line("Session: Terminating session at 'x'.")
        _ = h.line("Session: Session terminated at 'x'.")
        #expect(h.line("Session: Session suspended at 'x'.") == [])
        #expect(h.line("Info: Agent running with pid '77'.") == [])
        #expect(h.line("Info: Listening to slave connections on port 'tcp:localhost:11100'.") == [])
        #expect(h.xState() == "stopped")
        #expect(h.stateHookCount(.stopped) == 1)
    }
}
