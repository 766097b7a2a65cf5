import Foundation
import Testing
@testable import QVDAgent

@Suite("SessionStateMachine failures")
struct SessionStateMachineFailureTests {
    let pid = SessionTestHarness.pid
    let fresh = SessionTestHarness.freshParameters
    let hookFailure = "hook /srv/qvd-oracle/hooks/record.sh for action pre_connect on state stopped failed, rc: 1"

    @Test("a failing pre_connect hook aborts x_start with its message; nothing changes (S62, S63)")
    func preConnectFails() {
        var h = SessionTestHarness()
        let r = h.request()
        _ = h.send(.xStart(r, fresh))
        #expect(h.send(.hookFailed(SessionHookRunID(1), message: hookFailure)) == [.reply(r, .error(hookFailure + "\n"))])
        #expect(h.xState() == "stopped")
        #expect(!h.history.contains { if case .writeStateFile = $0 { true } else { false } })
        #expect(h.stateHookCount(.stopped) == 0)
        // The message keeps a single final LF when it already has one.
        let r2 = h.request()
        _ = h.send(.xStart(r2, fresh))
        #expect(h.send(.hookFailed(SessionHookRunID(2), message: "boom\n")) == [.reply(r2, .error("boom\n"))])
    }

    @Test("a failing connect hook on a fresh start: one \"starting\" reply, then stopped once (S64, S65)")
    func connectFailsFresh() {
        var h = SessionTestHarness()
        let r = h.request()
        _ = h.send(.xStart(r, fresh))
        _ = h.send(.hookFinished(SessionHookRunID(1)))
        _ = h.send(.provisioningFinished)
        let actions = h.sendKeepingLogs(.hookFailed(SessionHookRunID(2), message: "hook /h for action connect on state starting failed, rc: 1"))
        #expect(actions.withoutLogs == [.removeStateFiles, .runStateHook(.stopped)])
        #expect(actions.logTexts == ["Unable to start X session: hook /h for action connect on state starting failed, rc: 1"])
        #expect(h.history.filter { if case .reply(r, _) = $0 { true } else { false } } == [.reply(r, .value("starting"))])
        #expect(h.xState() == "stopped")
        #expect(h.stateHookCount(.stopped) == 1)
    }

    @Test("an invalid nx value on a fresh start: both hooks run, then stopped, error logged (S66)")
    func badValueFresh() {
        var h = SessionTestHarness()
        var bad = fresh
        bad.set("qvd.client.geometry", to: "1024x768;rm")
        _ = h.send(.xStart(h.request(), bad))
        _ = h.send(.hookFinished(SessionHookRunID(1)))
        _ = h.send(.provisioningFinished)
        let actions = h.sendKeepingLogs(.hookFinished(SessionHookRunID(2)))
        #expect(actions.withoutLogs == [.removeStateFiles, .runStateHook(.stopped)])
        #expect(actions.logTexts.count == 1)
        #expect(actions.logTexts.first?.hasPrefix("Unable to start X session: invalid value \"1024x768;rm\" for parameter qvd.client.geometry") == true)
        #expect(h.actionHooksRun == [.preConnect, .connect])
    }

    @Test("a missing qvd.client.link falls back to the default and the session starts (S68, fix)")
    func missingLinkFresh() {
        var configuration = SessionTestHarness.configuration
        configuration.options.defaults = [.link: "wan"]
        var h = SessionTestHarness(configuration: configuration)
        let parameters = SessionParameters(fresh.parameters.filter { $0.key != "qvd.client.link" }.map { (key: $0.key, value: Optional($0.value)) })
        h.launchFresh(parameters)
        #expect(h.history.contains(.writeOptionsFile("nx/nx,keyboard=pc105/us,client=linux,link=wan,geometry=1024x768,fullscreen=0,tolerancechecks=risky:100\n")))
        #expect(h.machine.launcherRunning)
    }

    @Test("an invalid value on resume is refused before `initiating`: the session stays suspended (observed §4.3, fix)")
    func badValueResume() {
        var h = SessionTestHarness()
        h.suspendedSession()
        var bad = fresh
        bad.set("qvd.client.geometry", to: "1024x768;rm")
        let r = h.request()
        _ = h.send(.xStart(r, bad))
        let expected = NXAgentOptionsError.invalidValue(key: "qvd.client.geometry", value: "1024x768;rm",
                                                        expected: NXAgentClientOption.geometry.expectedValues).description + "\n"
        #expect(h.send(.hookFinished(SessionHookRunID(5))) == [.reply(r, .error(expected))])
        #expect(h.xState() == "suspended")
        #expect(h.machine.nxState == .suspended)
        // A later good x_start resumes.
        let r2 = h.request()
        _ = h.send(.xStart(r2, fresh))
        let actions = h.send(.hookFinished(SessionHookRunID(6)))
        #expect(actions.contains(.signalAgent(pid: pid, .hangUp)))
    }

    @Test("a resume whose connect hook fails answers the hook's error; the HUP was already sent")
    func connectFailsResume() {
        var h = SessionTestHarness()
        h.suspendedSession()
        let r = h.request()
        _ = h.send(.xStart(r, fresh))
        let actions = h.send(.hookFinished(SessionHookRunID(5)))
        #expect(actions.contains(.signalAgent(pid: pid, .hangUp)))
        #expect(h.send(.hookFailed(SessionHookRunID(6), message: "connect failed")) == [.reply(r, .error("connect failed\n"))])
        #expect(h.xState() == "starting")
        #expect(h.line("Session: Resuming session at 'x'.") == [h.stateRecord(.resuming)])
    }

    @Test("a failing suspend hook: no HUP, error to the caller")
    func suspendHookFails() {
        var h = SessionTestHarness()
        h.connectedFresh()
        let r = h.request()
        _ = h.send(.xSuspend(r))
        #expect(h.send(.hookFailed(SessionHookRunID(3), message: "suspend refused")) == [.reply(r, .error("suspend refused\n"))])
        #expect(h.xState() == "connected")
        #expect(!h.history.contains(.signalAgent(pid: pid, .hangUp)))
    }

    @Test("a failing stop hook: no TERM, error to the caller")
    func stopHookFails() {
        var h = SessionTestHarness()
        h.suspendedSession()
        let r = h.request()
        _ = h.send(.xStop(r))
        #expect(h.send(.hookFailed(SessionHookRunID(5), message: "stop refused")) == [.reply(r, .error("stop refused\n"))])
        #expect(h.xState() == "suspended")
        #expect(!h.history.contains(.signalAgent(pid: pid, .terminate)))
    }

    @Test("failed provisioning ends in stopped (side experiment E1)")
    func provisioningFails() {
        var h = SessionTestHarness()
        _ = h.send(.xStart(h.request(), fresh))
        _ = h.send(.hookFinished(SessionHookRunID(1)))
        _ = h.send(.provisioningStarted)
        let actions = h.sendKeepingLogs(.provisioningFailed(message: "useradd: group 'qvduser' does not exist"))
        #expect(actions.withoutLogs == [.removeStateFiles, .runStateHook(.stopped)])
        #expect(actions.logTexts == ["Unable to start X session: provisioning failed: useradd: group 'qvduser' does not exist"])
        #expect(h.actionHooksRun == [.preConnect])
    }

    @Test("nxagent killed while connected: stopped at once, disconnect and stopped hooks exactly once")
    func agentKilled() {
        var h = SessionTestHarness()
        h.connectedFresh()
        #expect(h.send(.agentProcessGone, after: 0.25) == [
            .removeStateFiles, .unmountShares, .stopAudio, .runActionHook(.disconnect(3, state: .stopped)), .runStateHook(.stopped),
        ])
        #expect(h.xState() == "stopped")
        #expect(h.send(.agentProcessGone) == [])
        #expect(h.line("Session: Session aborted at 'x'.") == [])
        #expect(h.send(.launcherExited(status: nil), after: 1) == [])
        #expect(h.send(.tick, after: 100) == [])
        #expect(h.stateHookCount(.stopped) == 1)
        #expect(h.actionHooksRun.filter { $0 == .disconnect }.count == 1)
    }

    @Test("xinit exits before nxagent reported a pid: stopped")
    func launcherFailsEarly() {
        var h = SessionTestHarness()
        h.launchFresh()
        #expect(h.send(.launcherExited(status: 1)) == [.removeStateFiles, .unmountShares, .stopAudio, .runStateHook(.stopped)])
        #expect(h.xState() == "stopped")
    }

    @Test("xinit exits while nxagent lives: nxagent gets TERM; its end stops the session")
    func launcherExitsAgentAlive() {
        var h = SessionTestHarness()
        h.connectedFresh()
        #expect(h.send(.launcherExited(status: 1)) == [.signalAgent(pid: pid, .terminate), .runActionHook(.disconnect(3, state: .stopping))])
        #expect(h.send(.agentProcessGone) == [.removeStateFiles, .unmountShares, .stopAudio, .runStateHook(.stopped)])
        #expect(h.machine.nextDeadline() == nil)
    }

    @Test("a second x_start while pre_connect runs is refused; x_stop during a suspend hook waits its turn")
    func concurrency() {
        var h = SessionTestHarness()
        let r1 = h.request()
        _ = h.send(.xStart(r1, fresh))
        let r2 = h.request()
        #expect(h.send(.xStart(r2, fresh)) == [.reply(r2, .error("Unable to start/resume X session in state stopped, try again in a few minutes\n"))])
        #expect(h.machine.isRunningRPCHook)
        _ = h.send(.hookFinished(SessionHookRunID(1)))
        _ = h.send(.provisioningFinished)
        _ = h.send(.hookFinished(SessionHookRunID(2)))
        _ = h.line("Info: Agent running with pid '4242'.")
        _ = h.line("Session: Starting session at 'x'.")
        _ = h.line("Session: Session started at 'x'.")

        let suspend = h.request()
        _ = h.send(.xSuspend(suspend))
        let stop = h.request()
        #expect(h.send(.xStop(stop)) == [])
        let state = h.request()
        #expect(h.send(.xState(state)) == [.reply(state, .value("connected"))])
        #expect(h.send(.hookFinished(SessionHookRunID(3))) == [
            .signalAgent(pid: pid, .hangUp), .reply(suspend, .value("starting")),
            .runActionHook(.awaited(4, .stop, state: .connected)),
        ])
        #expect(h.send(.hookFinished(SessionHookRunID(4))) == [
            .signalAgent(pid: pid, .terminate), .runActionHook(.disconnect(5, state: .stopping)), .reply(stop, .value("stopping")),
        ])
    }

    @Test("results nobody waits for, and events out of place, change nothing")
    func strayEvents() {
        var h = SessionTestHarness()
        #expect(h.send(.hookFinished(SessionHookRunID(99))) == [])
        #expect(h.send(.hookFailed(SessionHookRunID(99), message: "x")) == [])
        #expect(h.send(.provisioningStarted) == [])
        #expect(h.send(.provisioningFinished) == [])
        #expect(h.send(.provisioningFailed(message: "x")) == [])
        #expect(h.send(.launcherExited(status: 0)) == [])
        #expect(h.send(.agentProcessGone) == [])
        #expect(h.line("Session: Session started at 'x'.") == [])
        #expect(h.xState() == "stopped")
        #expect(h.history.withoutLogs.count == 1)
    }

    @Test("one display setting drives both the options file and the command line")
    func oneDisplay() {
        var h = SessionTestHarness(configuration: SessionConfiguration(display: 7, commandLine: SessionTestHarness.configuration.commandLine))
        h.launchFresh()
        #expect(h.history.contains(.writeOptionsFile("nx/nx,keyboard=pc105/us,client=linux,link=lan,geometry=1024x768,fullscreen=0,tolerancechecks=risky:7\n")))
        #expect(h.history.contains(.launchSession(arguments: [
            "/usr/bin/xinit", "/srv/qvd-oracle/bin/xsession.sh", "--", "/usr/bin/nxagent", ":7", "-ac", "-name", "QVD",
            "-display", "nx/nx,options=/srv/qvd-oracle/run/nxagent.conf:7",
        ], parameters: SessionTestHarness.freshParameters)))
    }

    @Test("the options file cannot be launched with a broken command line: stopped, error logged")
    func badCommandLine() {
        var configuration = SessionTestHarness.configuration
        configuration.commandLine.optionsFilePath = "/run/a,b"
        var h = SessionTestHarness(configuration: configuration)
        _ = h.send(.xStart(h.request(), fresh))
        _ = h.send(.hookFinished(SessionHookRunID(1)))
        _ = h.send(.provisioningFinished)
        let actions = h.sendKeepingLogs(.hookFinished(SessionHookRunID(2)))
        #expect(actions.withoutLogs == [.removeStateFiles, .runStateHook(.stopped)])
        #expect(actions.logTexts.first?.contains("internal.vma.nxagent.config") == true)
    }
}
