/// The state hooks (`vma.on_state.*`, `upstream-vma.md` §4.1), fired detached, after the new
/// state is saved.
///
/// Upstream fires them on every state save, so `stopped` ran two to four times per session end
/// (`upstream-vma-observed.md` §4.5). We fire each exactly once per transition of the
/// reported state into `connected`, `suspended` or `stopped` (`README.md`, deliberate
/// difference 2). When `vma.printing.enable` is on, the shell also runs the printing hook
/// ``printingConfigKey`` at the same moment (`upstream-vma.md` §4.1, §7.2).
public enum SessionStateHook: String, CaseIterable, Hashable, Sendable {
    case connected
    case suspended
    /// Configured as `vma.on_state.disconnected`, called with `qvd.hook.on_state stopped`.
    case stopped

    /// The hook for a reported state, if that state has one.
    public init?(_ state: ReportedSessionState) {
        switch state {
        case .connected: self = .connected
        case .suspended: self = .suspended
        case .stopped: self = .stopped
        default: return nil
        }
    }

    /// `vma.on_state.connected`, `vma.on_state.suspended`, `vma.on_state.disconnected`.
    public var configKey: String {
        switch self {
        case .connected: "vma.on_state.connected"
        case .suspended: "vma.on_state.suspended"
        case .stopped: "vma.on_state.disconnected"
        }
    }

    /// `internal.vma.on_printing.<state>`.
    public var printingConfigKey: String { "internal.vma.on_printing." + rawValue }

    /// The hook's argv after the executable: `qvd.hook.on_state <state>`.
    public var arguments: [String] { ["qvd.hook.on_state", rawValue] }
}
