/// The action hooks the session runs (`upstream-vma.md` §4.1-4.2).
///
/// The raw value is the `qvd.hook.on_action` value; note `pre_connect` with an underscore while
/// its configuration key has a hyphen. `poweroff` and `expire` are RPCs outside the session
/// state machine and are not listed here.
public enum SessionActionHook: String, CaseIterable, Hashable, Sendable {
    /// x_start in `stopped` or `suspended`, before anything else. Failure aborts the x_start
    /// and its message is the RPC error.
    case preConnect = "pre_connect"
    /// Fresh start: after provisioning, before xinit (failure: the session goes to `stopped`).
    /// Resume: after the HUP (failure: the RPC errors).
    case connect
    /// x_suspend, before the HUP. Failure: no HUP, RPC error.
    case suspend
    /// x_stop, before the TERM. Failure: no TERM, RPC error.
    case stop
    /// Not fired by upstream (`upstream-vma.md` §4.1); we fire it, without waiting, once each
    /// time the session stops being `connected` (`README.md`, deliberate difference 2).
    case disconnect

    /// The configuration key naming the hook, e.g. `vma.on_action.pre-connect`.
    public var configKey: String {
        switch self {
        case .preConnect: "vma.on_action.pre-connect"
        default: "vma.on_action." + rawValue
        }
    }
}
