import Foundation
import QVDHooks
@testable import QVDAgent

/// Drives a ``SessionStateMachine`` with a fake clock and numbered requests, and records every
/// action, so tests can check transitions and count hooks over a whole scenario.
struct SessionTestHarness {
    var machine: SessionStateMachine
    var now: Date
    var nextRequest: UInt64 = 1
    /// Every action returned so far, logs included.
    var history: [SessionAction] = []

    static let start = Date(timeIntervalSince1970: 1_795_725_000)
    static let pid: Int32 = 4242

    init(configuration: SessionConfiguration = SessionTestHarness.configuration, now: Date = SessionTestHarness.start) {
        machine = SessionStateMachine(configuration: configuration)
        self.now = now
    }

    init(adopted machine: SessionStateMachine, now: Date) {
        self.machine = machine
        self.now = now
    }

    /// The recording's configuration: display 100, tolerancechecks risky, no audio/slave/printing.
    static let configuration = SessionConfiguration(
        commandLine: NXAgentCommandLine(
            xinit: "/usr/bin/xinit", xSession: "/srv/qvd-oracle/bin/xsession.sh",
            nxagent: "/usr/bin/nxagent", display: 100, optionsFilePath: "/srv/qvd-oracle/run/nxagent.conf"))

    static let argv = [
        "/usr/bin/xinit", "/srv/qvd-oracle/bin/xsession.sh", "--", "/usr/bin/nxagent", ":100", "-ac", "-name", "QVD",
        "-display", "nx/nx,options=/srv/qvd-oracle/run/nxagent.conf:100",
    ]

    /// Advances the clock by `seconds`, applies `event`, returns the actions without log lines.
    mutating func send(_ event: SessionEvent, after seconds: TimeInterval = 0) -> [SessionAction] {
        now = now.addingTimeInterval(seconds)
        let actions = machine.handle(event, at: now)
        history += actions
        return actions.withoutLogs
    }

    /// Same as ``send(_:after:)`` with the log lines kept.
    mutating func sendKeepingLogs(_ event: SessionEvent, after seconds: TimeInterval = 0) -> [SessionAction] {
        now = now.addingTimeInterval(seconds)
        let actions = machine.handle(event, at: now)
        history += actions
        return actions
    }

    /// Feeds one nxagent output line.
    mutating func line(_ text: String, after seconds: TimeInterval = 0) -> [SessionAction] {
        now = now.addingTimeInterval(seconds)
        let actions = machine.handleOutputLine(text, at: now)
        history += actions
        return actions.withoutLogs
    }

    mutating func request() -> SessionRequestID {
        defer { nextRequest += 1 }
        return SessionRequestID(nextRequest)
    }

    /// Sends x_state and returns the answered value.
    mutating func xState(after seconds: TimeInterval = 0) -> String? {
        let id = request()
        let actions = send(.xState(id), after: seconds)
        for case let .reply(replyID, .value(value)) in actions where replyID == id { return value }
        return nil
    }

    var epoch: Int64 { Int64(now.timeIntervalSince1970) }

    func stateRecord(_ state: SessionNXState) -> SessionAction {
        .writeStateFile(SessionStateRecord(state: state, timestamp: epoch))
    }

    /// How many times a state hook ran over the whole scenario.
    func stateHookCount(_ hook: HookEvent.SessionState) -> Int {
        history.filter { $0 == .runStateHook(hook) }.count
    }

    /// The action hooks run over the whole scenario, in order.
    var actionHooksRun: [HookEvent.Action] {
        history.compactMap { if case let .runActionHook(run) = $0 { run.hook } else { nil } }
    }

    // MARK: - Scenario steps

    /// The recording's fresh-start parameters (transcript S36), as the shell would pass them
    /// after filling the `qvd.vm.user.*` defaults.
    static let freshParameters = SessionParameters([
        ("qvd.vm.user.name", "qvdtest"), ("qvd.client.keyboard", "pc105/us"), ("qvd.client.os", "linux"),
        ("qvd.client.link", "lan"), ("qvd.client.geometry", "1024x768"), ("qvd.client.fullscreen", "0"),
        ("qvd.slave.key", "QvdOracle0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"),
        ("custom.foo", "bar"), ("custom.note", "café & bár=1/2%"), ("custom.dup", "first"), ("custom.dup", "second"),
        ("custom.flag", nil), ("qvd.vm.user.groups", "qvduser"), ("qvd.vm.user.home", "/srv/qvd-oracle/home/qvdtest"),
    ])

    /// The recording's resume parameters (transcript S44).
    static let resumeParameters = SessionParameters([
        ("qvd.vm.user.name", "qvdtest"), ("qvd.client.keyboard", "pc105/es"), ("qvd.client.os", "linux"),
        ("qvd.client.link", "adsl"), ("qvd.client.geometry", "1280x800"), ("qvd.client.fullscreen", "1"),
        ("qvd.slave.key", "QvdOracle0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"),
        ("custom.foo", "bar"), ("custom.resumed", "yes"),
        ("qvd.vm.user.groups", "qvduser"), ("qvd.vm.user.home", "/srv/qvd-oracle/home/qvdtest"),
    ])

    static let freshOptionsFile = "nx/nx,keyboard=pc105/us,client=linux,link=lan,geometry=1024x768,fullscreen=0,tolerancechecks=risky:100\n"
    static let resumeOptionsFile = "nx/nx,keyboard=pc105/es,client=linux,link=adsl,geometry=1280x800,fullscreen=1,tolerancechecks=risky:100\n"

    /// The hook run id the next hook will get (hooks are numbered from 1 in dispatch order).
    var nextHookID: SessionHookRunID {
        SessionHookRunID(history.filter { if case .runActionHook = $0 { true } else { false } }.count + 1)
    }

    /// x_start → pre_connect ok → (no provisioning work) → connect ok → xinit launched.
    mutating func launchFresh(_ parameters: SessionParameters = SessionTestHarness.freshParameters) {
        _ = send(.xStart(request(), parameters))
        _ = send(.hookFinished(SessionHookRunID(nextHookID.rawValue - 1)))
        _ = send(.provisioningFinished)
        _ = send(.hookFinished(SessionHookRunID(nextHookID.rawValue - 1)))
    }

    /// A fresh session waiting for its client (`listening`).
    mutating func listeningFresh() {
        launchFresh()
        _ = line("Info: Agent running with pid '\(Self.pid)'.")
        _ = line("Session: Starting session at 'Thu Nov 26 23:01:31 2026'.")
    }

    /// A fresh session with its client attached (`connected`).
    mutating func connectedFresh() {
        listeningFresh()
        _ = line("Session: Session started at 'Thu Nov 26 23:01:32 2026'.", after: 1)
    }

    /// A session suspended by x_suspend.
    mutating func suspendedSession() {
        connectedFresh()
        _ = send(.xSuspend(request()), after: 1)
        _ = send(.hookFinished(SessionHookRunID(nextHookID.rawValue - 1)))
        _ = line("Session: Suspending session at 'Thu Nov 26 23:01:35 2026'.")
        _ = line("Session: Session suspended at 'Thu Nov 26 23:01:36 2026'.", after: 1)
    }

    /// A suspended session resumed with x_start, waiting for its client again (`listening`).
    mutating func resumedListening(_ parameters: SessionParameters = SessionTestHarness.freshParameters) {
        suspendedSession()
        _ = send(.xStart(request(), parameters), after: 1)
        _ = send(.hookFinished(SessionHookRunID(nextHookID.rawValue - 1)))
        _ = send(.hookFinished(SessionHookRunID(nextHookID.rawValue - 1)))
        _ = line("Session: Resuming session at 'Thu Nov 26 23:01:40 2026'.")
    }
}

extension Array where Element == SessionAction {
    /// Without ``SessionAction/log(_:)`` entries.
    var withoutLogs: [SessionAction] {
        filter { if case .log = $0 { false } else { true } }
    }

    /// The texts of the log entries.
    var logTexts: [String] {
        compactMap { if case let .log(message) = $0 { message.text } else { nil } }
    }
}

extension SessionHookRun {
    /// An awaited hook run, for expected-action literals.
    static func awaited(_ id: Int, _ hook: HookEvent.Action, _ parameters: SessionParameters = SessionParameters(),
                        state: ReportedSessionState) -> SessionHookRun {
        SessionHookRun(id: SessionHookRunID(id), hook: hook, parameters: parameters, sessionState: state, awaitsResult: true)
    }

    /// The detached `disconnect` hook run.
    static func disconnect(_ id: Int, state: ReportedSessionState) -> SessionHookRun {
        SessionHookRun(id: SessionHookRunID(id), hook: .disconnect, parameters: SessionParameters(), sessionState: state,
                       awaitsResult: false)
    }
}
