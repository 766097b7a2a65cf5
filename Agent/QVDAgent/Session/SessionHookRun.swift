import QVDHooks

/// Identifies one action-hook run, so its result can be matched to what the state machine is
/// waiting for. Assigned by the state machine, increasing.
public struct SessionHookRunID: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public var description: String { "hook run #\(rawValue)" }
}

/// One action hook to run (`upstream-vma.md` §4.2).
///
/// argv after the executable: the call's parameters as `key value …`, then
/// `qvd.vm.session.state <state> qvd.hook.on_action <action>` (``arguments``). Only
/// `pre_connect` and `connect` get parameters (all x_start parameters, defaults filled);
/// `suspend`, `stop` and `disconnect` get only the trailer.
///
/// The session runs five of ``QVDHooks/HookEvent/Action`` (`upstream-vma.md` §4.1-4.2;
/// `poweroff` and `expire` are RPCs outside the session state machine):
/// - `preConnect`: x_start in `stopped` or `suspended`, before anything else. Failure aborts
///   the x_start and its message is the RPC error.
/// - `connect`: fresh start, after provisioning and before xinit (failure: the session goes
///   to `stopped`); resume, after the HUP (failure: the RPC errors).
/// - `suspend`: x_suspend, before the HUP. Failure: no HUP, RPC error.
/// - `stop`: x_stop, before the TERM. Failure: no TERM, RPC error.
/// - `disconnect`: not fired by upstream (`upstream-vma.md` §4.1); we fire it, without
///   waiting, once each time the session stops being `connected` (`README.md`, deliberate
///   difference 2).
///
/// When ``awaitsResult`` is true the shell must answer with
/// ``SessionEvent/hookFinished(_:)`` or ``SessionEvent/hookFailed(_:message:)`` (the message
/// names the hook and why it failed; it becomes the RPC error). A missing hook (empty key)
/// counts as finished at once.
public struct SessionHookRun: Equatable, Hashable, Sendable {
    public var id: SessionHookRunID
    public var hook: HookEvent.Action
    public var parameters: SessionParameters
    /// The reported state at dispatch time, passed as `qvd.vm.session.state`.
    public var sessionState: ReportedSessionState
    /// Whether the state machine waits for the result. `false` only for `disconnect`.
    public var awaitsResult: Bool

    public init(id: SessionHookRunID, hook: HookEvent.Action, parameters: SessionParameters,
                sessionState: ReportedSessionState, awaitsResult: Bool) {
        self.id = id
        self.hook = hook
        self.parameters = parameters
        self.sessionState = sessionState
        self.awaitsResult = awaitsResult
    }

    /// The hook's argv after the executable.
    public var arguments: [String] {
        parameters.flattened + ["qvd.vm.session.state", sessionState.rawValue, "qvd.hook.on_action", hook.rawValue]
    }
}
