import Foundation
import Testing
@testable import QVDAgent

/// x_state, x_start, x_suspend and x_stop in each of the eight reported states.
@Suite("SessionStateMachine RPCs in every state")
struct SessionStateMachineRPCTableTests {
    static let pid = SessionTestHarness.pid

    /// A harness whose session reports `state`, reached the way the transcript reaches it.
    static func harness(in state: ReportedSessionState) -> SessionTestHarness {
        var h = SessionTestHarness()
        switch state {
        case .stopped:
            break
        case .starting:
            _ = h.send(.xStart(h.request(), SessionTestHarness.freshParameters))
            _ = h.send(.hookFinished(SessionHookRunID(1)))
        case .provisioning:
            _ = h.send(.xStart(h.request(), SessionTestHarness.freshParameters))
            _ = h.send(.hookFinished(SessionHookRunID(1)))
            _ = h.send(.provisioningStarted)
        case .listening:
            h.listeningFresh()
        case .connected:
            h.connectedFresh()
        case .suspending:
            h.connectedFresh()
            _ = h.line("Session: Suspending session at 'x'.")
        case .suspended:
            h.suspendedSession()
        case .stopping:
            h.connectedFresh()
            _ = h.line("Session: Terminating session at 'x'.")
        }
        return h
    }

    @Test("x_state answers the state's name", arguments: ReportedSessionState.allCases)
    func xState(state: ReportedSessionState) {
        var h = Self.harness(in: state)
        let r = h.request()
        #expect(h.send(.xState(r)) == [.reply(r, .value(state.rawValue))])
        #expect(h.machine.reportedState == state)
    }

    @Test("x_start: hook in stopped/suspended, takeover in connected, busy error elsewhere", arguments: ReportedSessionState.allCases)
    func xStart(state: ReportedSessionState) {
        var h = Self.harness(in: state)
        let parameters = SessionTestHarness.freshParameters
        let r = h.request()
        let next = h.nextHookID.rawValue
        let expected: [SessionAction] = switch state {
        case .stopped, .suspended:
            [.runActionHook(.awaited(next, .preConnect, parameters, state: state))]
        case .connected:
            [.signalAgent(pid: Self.pid, .hangUp), .reply(r, .error(SessionReply.takeoverMessage))]
        default:
            [.reply(r, .error("Unable to start/resume X session in state \(state.rawValue), try again in a few minutes\n"))]
        }
        #expect(h.send(.xStart(r, parameters)) == expected)
    }

    @Test("x_suspend: hook in listening/connected, the state elsewhere", arguments: ReportedSessionState.allCases)
    func xSuspend(state: ReportedSessionState) {
        var h = Self.harness(in: state)
        let r = h.request()
        let next = h.nextHookID.rawValue
        let expected: [SessionAction] = state == .listening || state == .connected
            ? [.runActionHook(.awaited(next, .suspend, state: state))]
            : [.reply(r, .value(state.rawValue))]
        #expect(h.send(.xSuspend(r)) == expected)
    }

    @Test("x_stop: hook whenever nxagent's pid is known, the state otherwise", arguments: ReportedSessionState.allCases)
    func xStop(state: ReportedSessionState) {
        var h = Self.harness(in: state)
        let r = h.request()
        let next = h.nextHookID.rawValue
        let expected: [SessionAction] = [.stopped, .starting, .provisioning].contains(state)
            ? [.reply(r, .value(state.rawValue))]
            : [.runActionHook(.awaited(next, .stop, state: state))]
        #expect(h.send(.xStop(r)) == expected)
    }
}
