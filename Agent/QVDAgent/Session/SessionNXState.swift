/// The internal ("nx") session state, the word upstream writes to `nxagent.state`
/// (`upstream-vma.md` §2.2, VMA.pm 127-143).
///
/// `initiating` and `provisioning` are written by the VMA; the others are nxagent's own words
/// from its `Session:` lines (``NXAgentSessionEvent``). `terminated`, `aborted` and `stopped`
/// are understood when read back but never written by us: a session that ends goes straight
/// to "no file" (upstream writes `terminated`/`aborted` and deletes it on the next look).
public enum SessionNXState: String, CaseIterable, Hashable, Sendable {
    case initiating
    case provisioning
    case starting
    case resuming
    case started
    case resumed
    case suspending
    case suspended
    case terminating
    case aborting
    case terminated
    case aborted
    case stopped

    /// The state `x_state` reports for it.
    public var reported: ReportedSessionState {
        switch self {
        case .initiating: .starting
        case .provisioning: .provisioning
        case .starting, .resuming: .listening
        case .started, .resumed: .connected
        case .suspending: .suspending
        case .suspended: .suspended
        case .terminating, .aborting: .stopping
        case .terminated, .aborted, .stopped: .stopped
        }
    }

    /// The state nxagent's session line moves the session to.
    public init(_ event: NXAgentSessionEvent) {
        switch event {
        case .starting: self = .starting
        case .resuming: self = .resuming
        case .suspending: self = .suspending
        case .terminating: self = .terminating
        case .aborting: self = .aborting
        case .started: self = .started
        case .resumed: self = .resumed
        case .suspended: self = .suspended
        case .terminated: self = .terminated
        case .aborted: self = .aborted
        }
    }
}
