/// One of the moments at which the agent runs an administrator's hook, with the
/// configuration key that names the hook and the name upstream passes in its argv
/// (`upstream-vma.md §4.1`).
///
/// | event | configuration key | upstream name | runs |
/// |---|---|---|---|
/// | `.action(.preConnect)` | `vma.on_action.pre-connect` | `pre_connect` | blocking |
/// | `.action(.connect)` | `vma.on_action.connect` | `connect` | blocking |
/// | `.action(.suspend)` | `vma.on_action.suspend` | `suspend` | blocking |
/// | `.action(.stop)` | `vma.on_action.stop` | `stop` | blocking |
/// | `.action(.poweroff)` | `vma.on_action.poweroff` | `poweroff` | blocking |
/// | `.action(.expire)` | `vma.on_action.expire` | `expire` | blocking |
/// | `.action(.disconnect)` | `vma.on_action.disconnect` | `disconnect` | blocking |
/// | `.state(.connected)` | `vma.on_state.connected` | `connected` | detached |
/// | `.state(.suspended)` | `vma.on_state.suspended` | `suspended` | detached |
/// | `.state(.stopped)` | `vma.on_state.disconnected` | `stopped` | detached |
/// | `.provisioning(.mountHome)` | `vma.on_provisioning.mount_home` | `mount_home` | blocking |
/// | `.provisioning(.addUser)` | `vma.on_provisioning.add_user` | `add_user` | blocking |
/// | `.provisioning(.afterAddUser)` | `vma.on_provisioning.after_add_user` | `after_add_user` | blocking |
///
/// Two upstream spellings are easy to get wrong and are kept exactly: the pre-connect
/// key has a hyphen while its action name has an underscore, and the state hook for the
/// `stopped` state is configured as `disconnected`. Upstream defines
/// `vma.on_action.disconnect` but never runs it; we run it (spec README, "deliberately
/// differs" item 2).
public enum HookEvent: Sendable, Hashable, CustomStringConvertible {
    case action(Action)
    case state(SessionState)
    case provisioning(ProvisioningStep)

    /// An RPC-driven action (`upstream-vma.md §4.1`); the raw value is upstream's action
    /// name as passed after `qvd.hook.on_action`.
    public enum Action: String, Sendable, Hashable, CaseIterable {
        case preConnect = "pre_connect"
        case connect
        case suspend
        case stop
        case poweroff
        case expire
        case disconnect

        /// The part of the configuration key after `vma.on_action.`.
        public var configurationKeySuffix: String {
            self == .preConnect ? "pre-connect" : rawValue
        }

        /// Which call parameters reach the hook (`upstream-vma.md §4.2`, observed in
        /// `upstream-vma-observed.md §4.5`: `suspend`, `stop` and `poweroff` get only the
        /// trailer even when the RPC carried arguments).
        public var parameterPolicy: HookParameterPolicy {
            switch self {
            case .preConnect, .connect: return .all
            case .expire: return .keyPrefix("vm.expiration.")
            case .suspend, .stop, .poweroff, .disconnect: return .none
            }
        }
    }

    /// A session state with a state hook; the raw value is the reported state passed
    /// after `qvd.hook.on_state`. Only these three have hooks: upstream dispatches on every
    /// state save, but `starting`, `listening` and the others have no entry
    /// (`upstream-vma.md §4.1`).
    public enum SessionState: String, Sendable, Hashable, CaseIterable {
        case connected
        case suspended
        case stopped

        /// The state hook for a reported state (`x_state`'s answer), or `nil` when that
        /// state has none.
        public init?(reportedState: String) {
            self.init(rawValue: reportedState)
        }

        /// The part of the configuration key after `vma.on_state.`: `stopped` is
        /// configured as `disconnected`.
        public var configurationKeySuffix: String {
            self == .stopped ? "disconnected" : rawValue
        }
    }

    /// A provisioning step on a fresh start (`upstream-vma.md §5`); the raw value is passed
    /// after `qvd.hook.on_provisioning` and is also the configuration key's last part.
    public enum ProvisioningStep: String, Sendable, Hashable, CaseIterable {
        case mountHome = "mount_home"
        case addUser = "add_user"
        case afterAddUser = "after_add_user"
    }

    /// Every event, in the order of the table above.
    public static let allCases: [HookEvent] =
        Action.allCases.map(HookEvent.action)
        + SessionState.allCases.map(HookEvent.state)
        + ProvisioningStep.allCases.map(HookEvent.provisioning)

    /// The configuration key naming this event's hook, e.g. `vma.on_action.pre-connect`.
    public var configurationKey: String {
        switch self {
        case .action(let action): return "vma.on_action." + action.configurationKeySuffix
        case .state(let state): return "vma.on_state." + state.configurationKeySuffix
        case .provisioning(let step): return "vma.on_provisioning." + step.rawValue
        }
    }

    /// The event for a configuration key, or `nil` for any other key.
    public init?(configurationKey: String) {
        guard let event = Self.allCases.first(where: { $0.configurationKey == configurationKey }) else {
            return nil
        }
        self = event
    }

    /// The name upstream passes in argv: `pre_connect`, `connected`, `mount_home`, …
    public var upstreamName: String {
        switch self {
        case .action(let action): return action.rawValue
        case .state(let state): return state.rawValue
        case .provisioning(let step): return step.rawValue
        }
    }

    /// The argv key announcing the event: `qvd.hook.on_action`, `qvd.hook.on_state` or
    /// `qvd.hook.on_provisioning`.
    public var argumentKey: String {
        switch self {
        case .action: return "qvd.hook.on_action"
        case .state: return "qvd.hook.on_state"
        case .provisioning: return "qvd.hook.on_provisioning"
        }
    }

    /// Whether the caller waits for the hook and a failure aborts what it is doing.
    /// State hooks are detached: they never delay the caller and their failures are only
    /// logged (`upstream-vma.md §4.1`).
    public var isBlocking: Bool {
        if case .state = self { return false }
        return true
    }

    /// The configuration key.
    public var description: String { configurationKey }
}
