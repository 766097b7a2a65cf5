import QVDHooks

/// What the session adds to the state hooks (`vma.on_state.*`, `upstream-vma.md` §4.1),
/// which the session machine asks for with ``SessionAction/runStateHook(_:)``, detached,
/// after the new state is saved.
///
/// Upstream fires them on every state save, so `stopped` ran two to four times per session end
/// (`upstream-vma-observed.md` §4.5). We fire each exactly once per transition of the
/// reported state into `connected`, `suspended` or `stopped` (`README.md`, deliberate
/// difference 2). When `vma.printing.enable` is on, the printing hook ``printingConfigKey``
/// belongs to the same moment (`upstream-vma.md` §4.1, §7.2).
extension HookEvent.SessionState {
    /// The hook for a reported state, if that state has one.
    public init?(_ state: ReportedSessionState) {
        switch state {
        case .connected: self = .connected
        case .suspended: self = .suspended
        case .stopped: self = .stopped
        default: return nil
        }
    }

    /// `internal.vma.on_printing.<state>`.
    public var printingConfigKey: String { "internal.vma.on_printing." + rawValue }
}
