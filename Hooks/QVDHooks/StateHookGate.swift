/// Decides when a state hook fires: **exactly once per transition** (spec README,
/// "deliberately differs" item 2).
///
/// Upstream dispatches state hooks on every save of the state file and on every
/// re-check, so `stopped` fired two to four times for one session end
/// (`upstream-vma-observed.md §4.5`). Feed the gate every reported state the agent
/// computes, repeated or not; it answers the state hook to fire only when the reported
/// state differs from the previous one and has a hook (`connected`, `suspended`,
/// `stopped`). A failed start that goes `stopped → starting → stopped` fires `stopped`
/// again, because the session really left and re-entered `stopped`.
///
/// A plain value (STYLE.md §1): the session state machine owns one and does the firing.
public struct StateHookGate: Sendable, Hashable {
    /// The last reported state seen, `nil` before the first.
    public private(set) var lastReportedState: String?

    public init(lastReportedState: String? = nil) {
        self.lastReportedState = lastReportedState
    }

    /// Records `reportedState` and returns the state hook to fire now, if any.
    public mutating func observe(reportedState: String) -> HookEvent.SessionState? {
        defer { lastReportedState = reportedState }
        guard reportedState != lastReportedState else { return nil }
        return HookEvent.SessionState(reportedState: reportedState)
    }
}
