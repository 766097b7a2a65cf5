/// The eight session states `x_state` answers (`upstream-vma.md` §1.5, §2.2, §11).
///
/// The raw value is the exact string on the wire. The L7R treats `listening` as ready,
/// waits on `starting` (10 s) and `provisioning` (no limit), and gives up on anything else.
public enum ReportedSessionState: String, CaseIterable, Hashable, Sendable {
    case stopped
    case starting
    case provisioning
    case listening
    case connected
    case suspending
    case suspended
    case stopping

    /// States in which `x_suspend` acts ("connected" states, `upstream-vma.md` §2.2).
    public var acceptsSuspend: Bool { self == .listening || self == .connected }
}
