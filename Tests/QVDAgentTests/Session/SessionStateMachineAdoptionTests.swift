import Foundation
import Testing
@testable import QVDAgent

@Suite("SessionStateMachine re-adoption")
struct SessionStateMachineAdoptionTests {
    let now = SessionTestHarness.start
    let pid = SessionTestHarness.pid

    func adopt(_ state: String?, _ pidFile: String?, alive: Bool) -> (SessionTestHarness, [SessionAction]) {
        var asked: [Int32] = []
        let (machine, actions) = SessionStateMachine.adopting(
            stateFileContents: state, pidFileContents: pidFile, configuration: SessionTestHarness.configuration, now: now,
            isAgentAlive: { asked.append($0); return alive })
        if let pidFile, let pid = SessionStateFiles.parsePIDFile(pidFile), state.map({ !$0.isEmpty }) == true,
           case let .record(record) = SessionStateRecord.parse(fileContents: state ?? ""), record.state.reported != .stopped {
            #expect(asked == [pid])
        }
        return (SessionTestHarness(adopted: machine, now: now), actions)
    }

    @Test("a live connected session is kept as it is, without hooks")
    func liveConnected() {
        var (h, actions) = adopt("resumed:1795724000\n", "4242\n", alive: true)
        #expect(actions.withoutLogs == [])
        #expect(actions.logTexts == ["re-adopted the running session: state resumed (connected), nxagent pid 4242"])
        #expect(h.machine.agentPID == pid)
        #expect(!h.machine.launcherRunning)
        #expect(h.xState() == "connected")
        let r = h.request()
        #expect(h.send(.xSuspend(r)) == [.runActionHook(.awaited(1, .suspend, state: .connected))])
        #expect(h.send(.hookFinished(SessionHookRunID(1))) == [.signalAgent(pid: pid, .hangUp), .reply(r, .value("starting"))])
        #expect(h.line("Session: Suspending session at 'x'.") == [h.stateRecord(.suspending), .runActionHook(.disconnect(2, state: .suspending))])
    }

    @Test("an adopted session ends through its pid: stopped once, no launcher to wait for")
    func adoptedEnds() {
        var (h, _) = adopt("suspended:1795724000\n", "4242\n", alive: true)
        #expect(h.send(.agentProcessGone) == [.removeStateFiles, .unmountShares, .stopAudio, .runStateHook(.stopped)])
        #expect(h.machine.nextDeadline() == nil)
        let r = h.request()
        #expect(h.send(.xStart(r, SessionTestHarness.freshParameters)) == [
            .runActionHook(.awaited(1, .preConnect, SessionTestHarness.freshParameters, state: .stopped)),
        ])
    }

    @Test("a session whose nxagent is gone is cleaned up: disconnected hooks once")
    func deadAgent() {
        let (h, actions) = adopt("started:1795724000\n", "4242\n", alive: false)
        #expect(actions.withoutLogs == [
            .removeStateFiles, .unmountShares, .stopAudio, .runActionHook(.disconnect(1, state: .stopped)), .runStateHook(.stopped),
        ])
        #expect(actions.logTexts == ["session state was started but nxagent pid 4242 is not running; cleaning up"])
        #expect(h.machine.reportedState == .stopped)
    }

    @Test("a starting session without a pid file is cleaned up")
    func noPID() {
        let (_, actions) = adopt("initiating:1795724000\n", nil, alive: true)
        #expect(actions.withoutLogs == [.removeStateFiles, .unmountShares, .stopAudio, .runStateHook(.stopped)])
    }

    @Test("no files: nothing to do; stale or unreadable files are removed without hooks")
    func nothingOrStale() {
        #expect(adopt(nil, nil, alive: true).1 == [])
        #expect(adopt("", nil, alive: true).1 == [])
        #expect(adopt(nil, "4242\n", alive: true).1 == [.removeStateFiles])
        #expect(adopt("terminated:1795724000\n", "4242\n", alive: true).1 == [.removeStateFiles])
        let (h, actions) = adopt("reconnecting:1795724000\n", "4242\n", alive: true)
        #expect(actions.withoutLogs == [.removeStateFiles])
        #expect(actions.logTexts == ["unknown session state \"reconnecting:1795724000\" in nxagent.state; treating the session as stopped"])
        #expect(h.machine.reportedState == .stopped)
    }

    @Test("timeouts run from the file's timestamp")
    func timestampKept() {
        var (h, _) = adopt("starting:\(Int64(now.timeIntervalSince1970) - 15)\n", "4242\n", alive: true)
        let r = h.request()
        #expect(h.send(.xState(r)) == [.signalAgent(pid: pid, .terminate), .reply(r, .value("stopping"))])
    }

    @Test("a state without timestamp never times out, as upstream")
    func noTimestamp() {
        var (h, _) = adopt("starting\n", "4242\n", alive: true)
        #expect(h.machine.nextDeadline() == nil)
        #expect(h.send(.tick, after: 1000) == [])
        #expect(h.xState() == "listening")
    }
}
