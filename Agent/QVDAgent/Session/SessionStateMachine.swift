import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import QVDHooks

/// The nxagent session life cycle of `qvd-vma`, as a plain value: feed it ``SessionEvent``s
/// with the time they happened, perform the ``SessionAction``s it returns, in order.
///
/// It mirrors upstream's session logic (`upstream-vma.md` §2, §3, §4; observed behaviour in
/// `upstream-vma-observed.md` §3-4 and the vma-diff transcript):
///
/// * **States.** The internal state (``SessionNXState``, written to `nxagent.state`) maps to
///   the eight reported states (``ReportedSessionState``). After a TERM the session reports
///   `stopping` until nxagent reaches a new state.
/// * **x_start** in `stopped`: `pre_connect` hook (awaited; its failure is the RPC error) →
///   ``SessionAction/prepareSession(_:)`` → `initiating` → reply `"starting"` → provisioning
///   (`provisioning` becomes visible if there is work) → `connect` hook → options file → xinit.
///   A failure after the reply (provisioning, connect hook, an invalid parameter) logs and ends
///   in `stopped`, as upstream's launcher does (transcript steps S64, S66).
/// * **x_start** in `suspended` (resume): `pre_connect` → options checked → prepare →
///   `initiating` → options file rewritten → HUP → `connect` hook → reply `"starting"`. An
///   invalid parameter is reported **before** `initiating` is written, so the session stays
///   `suspended` (upstream got stuck in `starting`, `upstream-vma-observed.md` §4.3).
/// * **x_start** in `connected` (takeover): HUP, error "Can't connect … retry later". Any other
///   state: error "Unable to start/resume X session in state <s> …".
/// * **x_suspend** in `listening`/`connected`: `suspend` hook → HUP → `"starting"` (sic);
///   otherwise the current state.
/// * **x_stop** with a known nxagent pid: `stop` hook → TERM → `"stopping"`, then KILL after
///   ``SessionTimeouts/killAfterTerm`` unless nxagent reached another state. A TERM during the
///   `listening` that follows a resume makes nxagent go back to `suspended`, and so does the
///   session here (`upstream-vma-observed.md` §4.2).
/// * **Timeouts** (on `x_state`, any RPC and ``SessionEvent/tick``): every transient state has
///   a limit, `starting` and `provisioning` included (our fix, ``SessionTimeouts``).
/// * **Hooks.** A failing awaited action hook aborts its action and its message reaches the
///   caller. State hooks fire exactly once per transition of the reported state into
///   `connected`, `suspended` or `stopped`; the `disconnect` action hook fires once each time
///   `connected` is left (our fixes, `README.md` deliberate difference 2).
/// * **Session end**: nxagent's "terminated"/"aborted" line, its disappearance, or xinit's exit
///   remove the state and pid files and fire `stopped` once. An xinit that lingers after the
///   end is TERMed after ``SessionTimeouts/launcherExit``; a new session waits for it.
/// * **One request, one reply**, unlike upstream's double x_start answer
///   (`upstream-vma-observed.md` §4.1). While an awaited RPC hook runs, a second x_start gets
///   the busy error and x_suspend/x_stop wait their turn.
/// * **Re-adoption** (``adopting(stateFileContents:pidFileContents:configuration:now:isAgentAlive:)``):
///   after a VMA restart a live nxagent is kept, not killed (`README.md`, deliberate difference 1).
///
/// No clock is read inside: every transition depends only on the events and their times.
public struct SessionStateMachine: Sendable {
    public let configuration: SessionConfiguration

    /// The internal state; `.stopped` means there is no state file.
    public private(set) var nxState: SessionNXState = .stopped
    /// When ``nxState`` was entered; `nil` if unknown (an adopted file without a timestamp),
    /// in which case no timeout applies, as upstream.
    public private(set) var stateSince: Date?
    /// nxagent's pid, from its "Agent running with pid" line (or the adopted pid file).
    public private(set) var agentPID: Int32?
    /// Whether the xinit started by ``SessionAction/launchSession(arguments:parameters:)`` is
    /// still running (false for an adopted session: its xinit is not our child).
    public private(set) var launcherRunning = false

    private var sessionLaunched = false
    private var stopRequest: StopRequest?
    private var launcherWindDown: WindDown?
    private var operation: Operation?
    private var launchStep: LaunchStep?
    private var queue: [QueuedRequest] = []
    private var nextHookID = 1
    private var lastReported: ReportedSessionState = .stopped

    /// A machine with no session.
    public init(configuration: SessionConfiguration = SessionConfiguration()) {
        self.configuration = configuration
    }

    /// The state `x_state` would answer now (before applying timeouts).
    public var reportedState: ReportedSessionState {
        if nxState != .stopped, stopRequest != nil { return .stopping }
        return nxState.reported
    }

    /// Whether an awaited RPC hook (pre_connect, resume connect, suspend, stop) is running.
    public var isRunningRPCHook: Bool { operation != nil }

    // MARK: - Events

    /// Applies one event that happened at `now` and returns what to do, in order.
    public mutating func handle(_ event: SessionEvent, at now: Date) -> [SessionAction] {
        var out: [SessionAction] = []
        switch event {
        case let .xState(request):
            applyTimers(now, &out)
            out.append(.reply(request, .value(reportedState.rawValue)))
        case let .xStart(request, parameters):
            applyTimers(now, &out)
            xStart(request, parameters, now, &out)
        case let .xSuspend(request):
            applyTimers(now, &out)
            if operation != nil { queue.append(.suspend(request)) } else { xSuspend(request, now, &out) }
        case let .xStop(request):
            applyTimers(now, &out)
            if operation != nil { queue.append(.stop(request)) } else { xStop(request, now, &out) }
        case let .nxagent(agentEvent):
            nxagentEvent(agentEvent, now, &out)
        case let .hookFinished(id):
            hookFinished(id, now, &out)
        case let .hookFailed(id, message):
            hookFailed(id, message, now, &out)
        case .provisioningStarted:
            guard case .provisioning = launchStep, nxState == .initiating, stopRequest == nil else { break }
            setState(.provisioning, now, &out)
        case .provisioningFinished:
            guard case let .provisioning(parameters) = launchStep else { break }
            if stopRequest != nil {
                out.append(.log(SessionLogMessage(.warning, "provisioning finished after the start was cancelled")))
                enterStopped(now, &out)
            } else {
                let run = makeHookRun(.connect, parameters, awaitsResult: true)
                launchStep = .connectHook(run.id, parameters)
                out.append(.runActionHook(run))
            }
        case let .provisioningFailed(message):
            guard case .provisioning = launchStep else { break }
            out.append(.log(SessionLogMessage(.error, "Unable to start X session: provisioning failed: \(message)")))
            enterStopped(now, &out)
        case let .launcherExited(status):
            launcherExited(status, now, &out)
        case .agentProcessGone:
            guard let pid = agentPID else { break }
            agentPID = nil
            guard nxState != .stopped else { break }
            out.append(.log(SessionLogMessage(.warning, "nxagent (pid \(pid)) is gone; the session is over")))
            enterStopped(now, &out)
        case .tick:
            applyTimers(now, &out)
        }
        while operation == nil, !queue.isEmpty {
            switch queue.removeFirst() {
            case let .suspend(request): xSuspend(request, now, &out)
            case let .stop(request): xStop(request, now, &out)
            }
        }
        return out
    }

    /// Parses one output line of nxagent/xinit and applies it; other lines give no actions.
    public mutating func handleOutputLine(_ line: some StringProtocol, at now: Date) -> [SessionAction] {
        guard let event = NXAgentLogLineParser().parse(line) else { return [] }
        return handle(.nxagent(event), at: now)
    }

    /// The next moment a ``SessionEvent/tick`` can change something, if any.
    public func nextDeadline() -> Date? {
        var deadlines: [Date] = []
        if nxState != .stopped, stopRequest == nil, let since = stateSince,
           let limit = configuration.timeouts.limit(for: nxState.reported) {
            deadlines.append(since.addingTimeInterval(limit))
        }
        if let request = stopRequest, !request.killSent {
            deadlines.append(request.since.addingTimeInterval(configuration.timeouts.killAfterTerm))
        }
        if launcherRunning, let windDown = launcherWindDown {
            if let termSent = windDown.termSentAt {
                if !windDown.killSent { deadlines.append(termSent.addingTimeInterval(configuration.timeouts.killAfterTerm)) }
            } else {
                deadlines.append(windDown.since.addingTimeInterval(configuration.timeouts.launcherExit))
            }
        }
        return deadlines.min()
    }

    // MARK: - Re-adoption

    /// The machine for a VMA that starts while a session may exist, from the content of
    /// `nxagent.state` and `nxagent.pid` (`nil` when a file is missing).
    ///
    /// `isAgentAlive(pid)` must say whether that pid is a live nxagent (`/proc/<pid>/exe`). A
    /// live session is re-adopted as it is, with no hook; the shell then watches its pid and
    /// follows its output through the nxagent log. A session whose nxagent is gone is cleaned
    /// up: files removed and the `stopped` hook fired once. Upstream instead deletes the files
    /// and fires `stopped` at every start, even with nxagent alive (`upstream-vma.md` §2.4).
    public static func adopting(
        stateFileContents: String?, pidFileContents: String?,
        configuration: SessionConfiguration = SessionConfiguration(), now: Date,
        isAgentAlive: (Int32) -> Bool
    ) -> (machine: SessionStateMachine, actions: [SessionAction]) {
        var machine = SessionStateMachine(configuration: configuration)
        var out: [SessionAction] = []
        let pid = pidFileContents.flatMap(SessionStateFiles.parsePIDFile)
        let parsed = stateFileContents.map(SessionStateRecord.parse(fileContents:)) ?? .empty
        switch parsed {
        case .empty:
            if pidFileContents != nil { out.append(.removeStateFiles) }
        case let .unreadable(line):
            out.append(.log(SessionLogMessage(.error, "unknown session state \(String(reflecting: line)) in \(SessionStateFiles.stateFileName); treating the session as stopped")))
            out.append(.removeStateFiles)
        case let .record(record):
            guard record.state.reported != .stopped else {
                out.append(.removeStateFiles)
                break
            }
            machine.nxState = record.state
            machine.stateSince = record.timestamp.map { Date(timeIntervalSince1970: TimeInterval($0)) }
            machine.sessionLaunched = true
            machine.lastReported = record.state.reported
            if let pid, isAgentAlive(pid) {
                machine.agentPID = pid
                out.append(.log(SessionLogMessage(.info, "re-adopted the running session: state \(record.state.rawValue) (\(record.state.reported.rawValue)), nxagent pid \(pid)")))
            } else {
                let why = pid.map { "nxagent pid \($0) is not running" } ?? "there is no nxagent pid"
                out.append(.log(SessionLogMessage(.warning, "session state was \(record.state.rawValue) but \(why); cleaning up")))
                machine.enterStopped(now, &out)
            }
        }
        return (machine, out)
    }

    // MARK: - RPCs

    private mutating func xStart(_ request: SessionRequestID, _ parameters: SessionParameters, _ now: Date,
                                 _ out: inout [SessionAction]) {
        let state = reportedState
        guard operation == nil else {
            out.append(.reply(request, .error(SessionReply.busyMessage(state))))
            return
        }
        switch state {
        case .stopped:
            if launcherRunning {
                out.append(.log(SessionLogMessage(.info, "x_start refused: the previous X session is still exiting")))
                out.append(.reply(request, .error(SessionReply.busyMessage(.stopping))))
                return
            }
            let run = makeHookRun(.preConnect, parameters, awaitsResult: true)
            operation = .preConnect(run.id, request, parameters, resume: false)
            out.append(.runActionHook(run))
        case .suspended where agentPID != nil:
            let run = makeHookRun(.preConnect, parameters, awaitsResult: true)
            operation = .preConnect(run.id, request, parameters, resume: true)
            out.append(.runActionHook(run))
        case .connected:
            if let pid = agentPID { out.append(.signalAgent(pid: pid, .hangUp)) }
            out.append(.reply(request, .error(SessionReply.takeoverMessage)))
        default:
            out.append(.reply(request, .error(SessionReply.busyMessage(state))))
        }
    }

    private mutating func xSuspend(_ request: SessionRequestID, _ now: Date, _ out: inout [SessionAction]) {
        let state = reportedState
        guard agentPID != nil, state.acceptsSuspend else {
            out.append(.reply(request, .value(state.rawValue)))
            return
        }
        let run = makeHookRun(.suspend, SessionParameters(), awaitsResult: true)
        operation = .suspend(run.id, request)
        out.append(.runActionHook(run))
    }

    private mutating func xStop(_ request: SessionRequestID, _ now: Date, _ out: inout [SessionAction]) {
        guard agentPID != nil else {
            out.append(.reply(request, .value(reportedState.rawValue)))
            return
        }
        let run = makeHookRun(.stop, SessionParameters(), awaitsResult: true)
        operation = .stop(run.id, request)
        out.append(.runActionHook(run))
    }

    // MARK: - Hook results

    private mutating func hookFinished(_ id: SessionHookRunID, _ now: Date, _ out: inout [SessionAction]) {
        if let current = operation, current.hookID == id {
            operation = nil
            switch current {
            case let .preConnect(_, request, parameters, resume: false):
                startFresh(request, parameters, now, &out)
            case let .preConnect(_, request, parameters, resume: true):
                resume(request, parameters, now, &out)
            case let .resumeConnect(_, request):
                out.append(.reply(request, .value(ReportedSessionState.starting.rawValue)))
            case let .suspend(_, request):
                if let pid = agentPID, reportedState.acceptsSuspend {
                    out.append(.signalAgent(pid: pid, .hangUp))
                    // Upstream answers "starting" here (VMA.pm 680), and callers may rely on it.
                    out.append(.reply(request, .value(ReportedSessionState.starting.rawValue)))
                } else {
                    out.append(.reply(request, .value(reportedState.rawValue)))
                }
            case let .stop(_, request):
                if let pid = agentPID {
                    out.append(.signalAgent(pid: pid, .terminate))
                    if stopRequest == nil { beginStop(now, &out) }
                    out.append(.reply(request, .value(ReportedSessionState.stopping.rawValue)))
                } else {
                    out.append(.reply(request, .value(reportedState.rawValue)))
                }
            }
            return
        }
        if case let .connectHook(hookID, parameters) = launchStep, hookID == id {
            launchStep = nil
            launch(parameters, now, &out)
            return
        }
        out.append(.log(SessionLogMessage(.debug, "ignoring the result of \(id): nothing waits for it")))
    }

    private mutating func hookFailed(_ id: SessionHookRunID, _ message: String, _ now: Date,
                                     _ out: inout [SessionAction]) {
        if let current = operation, current.hookID == id {
            operation = nil
            out.append(.log(SessionLogMessage(.warning, message)))
            out.append(.reply(current.request, .failure(message)))
            return
        }
        if case let .connectHook(hookID, _) = launchStep, hookID == id {
            launchStep = nil
            out.append(.log(SessionLogMessage(.error, "Unable to start X session: \(message)")))
            enterStopped(now, &out)
            return
        }
        out.append(.log(SessionLogMessage(.debug, "ignoring the failure of \(id): nothing waits for it")))
    }

    /// After a successful pre_connect hook in `stopped`.
    private mutating func startFresh(_ request: SessionRequestID, _ parameters: SessionParameters, _ now: Date,
                                     _ out: inout [SessionAction]) {
        guard nxState == .stopped, !launcherRunning else {
            out.append(.reply(request, .error(SessionReply.busyMessage(reportedState))))
            return
        }
        out.append(.prepareSession(parameters))
        setState(.initiating, now, &out)
        out.append(.reply(request, .value(ReportedSessionState.starting.rawValue)))
        launchStep = .provisioning(parameters)
        out.append(.provisionUser(parameters))
    }

    /// After a successful pre_connect hook in `suspended`.
    private mutating func resume(_ request: SessionRequestID, _ parameters: SessionParameters, _ now: Date,
                                 _ out: inout [SessionAction]) {
        guard reportedState == .suspended, let pid = agentPID else {
            out.append(.reply(request, .error(SessionReply.busyMessage(reportedState))))
            return
        }
        let options: NXAgentOptions
        do {
            options = try NXAgentOptions(parameters: parameters.dictionary, configuration: configuration.options)
        } catch {
            out.append(.log(SessionLogMessage(.warning, "resume refused: \(error)")))
            out.append(.reply(request, .failure(error.description)))
            return
        }
        out.append(.prepareSession(parameters))
        setState(.initiating, now, &out)
        out.append(.writeOptionsFile(options.fileContents))
        out.append(.signalAgent(pid: pid, .hangUp))
        let run = makeHookRun(.connect, parameters, awaitsResult: true)
        operation = .resumeConnect(run.id, request)
        out.append(.runActionHook(run))
    }

    /// After a successful connect hook on a fresh start.
    private mutating func launch(_ parameters: SessionParameters, _ now: Date, _ out: inout [SessionAction]) {
        if stopRequest != nil {
            out.append(.log(SessionLogMessage(.warning, "connect hook finished after the start was cancelled")))
            enterStopped(now, &out)
            return
        }
        do {
            let options = try NXAgentOptions(parameters: parameters.dictionary, configuration: configuration.options)
            let arguments = try configuration.commandLine.arguments()
            out.append(.writeOptionsFile(options.fileContents))
            out.append(.launchSession(arguments: arguments, parameters: parameters))
            launcherRunning = true
            launcherWindDown = nil
            sessionLaunched = true
        } catch {
            out.append(.log(SessionLogMessage(.error, "Unable to start X session: \(error)")))
            enterStopped(now, &out)
        }
    }

    // MARK: - nxagent and processes

    private mutating func nxagentEvent(_ event: NXAgentEvent, _ now: Date, _ out: inout [SessionAction]) {
        switch event {
        case let .agentPID(pid):
            guard nxState != .stopped else {
                out.append(.log(SessionLogMessage(.debug, "ignoring nxagent pid \(pid): no session is starting")))
                return
            }
            agentPID = pid
            out.append(.writePIDFile(pid))
        case let .session(sessionEvent):
            guard nxState != .stopped else {
                out.append(.log(SessionLogMessage(.debug, "ignoring nxagent's \(sessionEvent.rawValue): the session is over")))
                return
            }
            switch sessionEvent {
            case .terminated, .aborted:
                enterStopped(now, &out)
            default:
                let new = SessionNXState(sessionEvent)
                if stopRequest != nil, Self.statesEndingAStop.contains(new) {
                    stopRequest = nil
                    out.append(.log(SessionLogMessage(.info, "nxagent went to \(new.rawValue) instead of stopping")))
                }
                if new == .suspended { out += [.unmountShares, .stopAudio] }
                setState(new, now, &out)
            }
        case .displayFailure:
            out.append(.log(SessionLogMessage(.info, "nxagent detected a display failure")))
        case let .waitingForConnection(port):
            out.append(.log(SessionLogMessage(.debug, "nxagent waits for the client on port \(port)")))
        case let .listeningToSlaveConnections(port):
            guard nxState != .stopped else { return }
            out.append(.slaveChannelListening(port: port))
        case let .listeningToMultimediaConnections(port):
            guard nxState != .stopped else { return }
            out.append(.multimediaChannelListening(port: port))
        }
    }

    /// Settled states after which a pending TERM is considered answered: nxagent chose to keep
    /// the session (after a resume, TERM sends it back to `suspended`). A late "Starting" or
    /// "Resuming" line does not cancel the stop.
    private static let statesEndingAStop: Set<SessionNXState> = [.suspended, .started, .resumed]

    private mutating func launcherExited(_ status: Int32?, _ now: Date, _ out: inout [SessionAction]) {
        guard launcherRunning else { return }
        launcherRunning = false
        launcherWindDown = nil
        out.append(.log(SessionLogMessage(.info, "X session launcher exited" + (status.map { " with status \($0)" } ?? ""))))
        guard nxState != .stopped else { return }
        if let pid = agentPID {
            // xinit normally takes nxagent down with it; if nxagent survives, stop it.
            out.append(.signalAgent(pid: pid, .terminate))
            if stopRequest == nil { beginStop(now, &out) }
        } else {
            enterStopped(now, &out)
        }
    }

    // MARK: - Timers

    private mutating func applyTimers(_ now: Date, _ out: inout [SessionAction]) {
        let timeouts = configuration.timeouts
        if nxState != .stopped, stopRequest == nil, let since = stateSince,
           let limit = timeouts.limit(for: nxState.reported), now.timeIntervalSince(since) >= limit {
            out.append(.log(SessionLogMessage(.warning, "session \(nxState.reported.rawValue) for more than \(Int(limit)) s; stopping it")))
            if let pid = agentPID {
                out.append(.signalAgent(pid: pid, .terminate))
                beginStop(now, &out)
            } else if launcherRunning {
                out.append(.signalLauncher(.terminate))
                beginStop(now, &out)
            } else if launchStep != nil {
                out.append(.cancelLaunchStep)
                beginStop(now, &out)
            } else {
                enterStopped(now, &out)
            }
        }
        if let request = stopRequest, !request.killSent,
           now.timeIntervalSince(request.since) >= timeouts.killAfterTerm {
            stopRequest?.killSent = true
            if agentPID == nil, !launcherRunning, launchStep != nil {
                // The cancelled start step never reported back; give up waiting for it.
                out.append(.log(SessionLogMessage(.error, "the cancelled start step did not end; giving up on it")))
                enterStopped(now, &out)
            } else {
                out.append(.log(SessionLogMessage(.warning, "session did not stop \(Int(timeouts.killAfterTerm)) s after TERM; sending KILL")))
                if let pid = agentPID { out.append(.signalAgent(pid: pid, .kill)) }
                if launcherRunning { out.append(.signalLauncher(.kill)) }
            }
        }
        if launcherRunning, var windDown = launcherWindDown {
            if let termSent = windDown.termSentAt {
                if !windDown.killSent, now.timeIntervalSince(termSent) >= timeouts.killAfterTerm {
                    windDown.killSent = true
                    out.append(.signalLauncher(.kill))
                }
            } else if now.timeIntervalSince(windDown.since) >= timeouts.launcherExit {
                windDown.termSentAt = now
                out.append(.log(SessionLogMessage(.info, "X session launcher still running after the session ended; sending TERM")))
                out.append(.signalLauncher(.terminate))
            }
            launcherWindDown = windDown
        }
    }

    // MARK: - State changes

    private mutating func setState(_ state: SessionNXState, _ now: Date, _ out: inout [SessionAction]) {
        nxState = state
        stateSince = now
        out.append(.writeStateFile(SessionStateRecord(state: state, timestamp: Self.epochSeconds(now))))
        noteReportedState(&out)
    }

    private mutating func beginStop(_ now: Date, _ out: inout [SessionAction]) {
        stopRequest = StopRequest(since: now)
        noteReportedState(&out)
    }

    /// The session is over: files removed, cleanup, `stopped` hook (once).
    private mutating func enterStopped(_ now: Date, _ out: inout [SessionAction]) {
        let wasLaunched = sessionLaunched
        nxState = .stopped
        stateSince = now
        agentPID = nil
        stopRequest = nil
        launchStep = nil
        sessionLaunched = false
        out.append(.removeStateFiles)
        if wasLaunched { out += [.unmountShares, .stopAudio] }
        if launcherRunning, launcherWindDown == nil { launcherWindDown = WindDown(since: now) }
        noteReportedState(&out)
    }

    /// Fires the hooks of a change of the reported state, exactly once per change.
    private mutating func noteReportedState(_ out: inout [SessionAction]) {
        let current = reportedState
        guard current != lastReported else { return }
        let previous = lastReported
        lastReported = current
        if previous == .connected {
            out.append(.runActionHook(makeHookRun(.disconnect, SessionParameters(), awaitsResult: false)))
        }
        if let hook = HookEvent.SessionState(current) { out.append(.runStateHook(hook)) }
    }

    private mutating func makeHookRun(_ hook: HookEvent.Action, _ parameters: SessionParameters,
                                      awaitsResult: Bool) -> SessionHookRun {
        let id = SessionHookRunID(nextHookID)
        nextHookID += 1
        return SessionHookRun(id: id, hook: hook, parameters: parameters, sessionState: reportedState,
                              awaitsResult: awaitsResult)
    }

    static func epochSeconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    // MARK: - Private types

    /// An awaited hook run by an RPC, and the caller waiting for its answer.
    private enum Operation: Sendable {
        case preConnect(SessionHookRunID, SessionRequestID, SessionParameters, resume: Bool)
        case resumeConnect(SessionHookRunID, SessionRequestID)
        case suspend(SessionHookRunID, SessionRequestID)
        case stop(SessionHookRunID, SessionRequestID)

        var hookID: SessionHookRunID {
            switch self {
            case let .preConnect(id, _, _, _), let .resumeConnect(id, _), let .suspend(id, _), let .stop(id, _): id
            }
        }

        var request: SessionRequestID {
            switch self {
            case let .preConnect(_, request, _, _), let .resumeConnect(_, request), let .suspend(_, request),
                 let .stop(_, request): request
            }
        }
    }

    /// The background part of a fresh start, after the RPC answered "starting".
    private enum LaunchStep: Sendable {
        case provisioning(SessionParameters)
        case connectHook(SessionHookRunID, SessionParameters)
    }

    private enum QueuedRequest: Sendable {
        case suspend(SessionRequestID)
        case stop(SessionRequestID)
    }

    /// A TERM was sent (or a start cancelled); KILL follows unless nxagent answers.
    private struct StopRequest: Sendable {
        var since: Date
        var killSent = false
    }

    /// The session ended but xinit still runs.
    private struct WindDown: Sendable {
        var since: Date
        var termSentAt: Date?
        var killSent = false
    }
}
