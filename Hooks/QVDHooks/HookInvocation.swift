import QVDCore

/// Everything one hook call passes to the hook: the event, the call parameters and the
/// trailer, from which the argv and the environment are built (`upstream-vma.md §4.2`).
///
/// argv after argv[0] is a flat `key value key value …` list:
///
/// - action hooks: the call parameters the action admits (``HookEvent/Action/parameterPolicy``),
///   then `qvd.vm.session.state <reported state>` and `qvd.hook.on_action <action>`;
/// - provisioning hooks: the call parameters, then `qvd.hook.on_provisioning <step>`;
/// - state hooks: only `qvd.hook.on_state <state>`.
///
/// Deliberate differences from upstream, all invisible to a hook that reads its argv as
/// pairs into a map (the only reading upstream's random order allows):
///
/// - **Order.** Upstream passes the pairs in Perl hash order, different on every call
///   (`upstream-vma-observed.md §4.5`); we pass them as received (spec README,
///   "Compatibility hazards").
/// - **Duplicates.** A key received twice appears once, with its **last** value (what
///   upstream's hash kept: `custom.dup=first&custom.dup=second` reaches the hook as
///   `custom.dup second`, transcript step S36) at the position of its **first**
///   occurrence, so the order of distinct keys stays the order received.
/// - **expire** passes only its `vm.expiration.*` pairs, without upstream's stray first
///   item `QVD::VMA::Impl=HASH(0x…)` (spec README item 3; transcript S70–S72).
/// - A call parameter whose key is one of the trailer's keys (`qvd.vm.session.state`,
///   `qvd.hook.on_*`) is dropped, so a caller can never make a hook see two contradicting
///   values for the event it runs for.
/// - argv items are C strings: a value holding a NUL byte is cut at the NUL, as upstream's
///   `exec` did.
/// - **Secrets stay out of argv.** `qvd.slave.key`, `auth_token` and any other key
///   ``LogRedactor/isSecretKey(_:)`` names are passed only in the environment
///   (`QVD_SLAVE_KEY`, `QVD_AUTH_TOKEN`), which only root and the hook itself can read;
///   argv is world-readable in `/proc/<pid>/cmdline` (spec README, deliberate difference 4).
public struct HookInvocation: Sendable, Hashable, CustomStringConvertible {
    public let event: HookEvent
    /// The call parameters passed, after filtering and collapsing duplicates.
    public let parameters: [HookParameter]
    /// The event's own pairs, always last.
    public let trailer: [HookParameter]
    /// How upstream names the call in its failure messages: `action pre_connect on state
    /// stopped`, `on provisioning mount_home`, `state connected`.
    public let context: String

    /// An action hook call. `sessionState` is the state `x_state` would report right now
    /// (`stopped`, `provisioning`, `starting`, …), as upstream computes it just before the
    /// call.
    public static func action(
        _ action: HookEvent.Action,
        sessionState: String,
        parameters: [HookParameter] = []
    ) -> HookInvocation {
        HookInvocation(
            event: .action(action),
            parameters: parameters.filter { action.parameterPolicy.admits(key: $0.key) },
            trailer: [
                HookParameter("qvd.vm.session.state", sessionState),
                HookParameter("qvd.hook.on_action", action.rawValue),
            ],
            context: "action \(action.rawValue) on state \(sessionState)"
        )
    }

    /// A provisioning hook call, with every x_start parameter (after defaulting).
    public static func provisioning(
        _ step: HookEvent.ProvisioningStep,
        parameters: [HookParameter]
    ) -> HookInvocation {
        HookInvocation(
            event: .provisioning(step),
            parameters: parameters,
            trailer: [HookParameter("qvd.hook.on_provisioning", step.rawValue)],
            context: "on provisioning \(step.rawValue)"
        )
    }

    /// A state hook call: no parameters, only `qvd.hook.on_state <state>`.
    public static func state(_ state: HookEvent.SessionState) -> HookInvocation {
        HookInvocation(
            event: .state(state),
            parameters: [],
            trailer: [HookParameter("qvd.hook.on_state", state.rawValue)],
            context: "state \(state.rawValue)"
        )
    }

    private init(event: HookEvent, parameters: [HookParameter], trailer: [HookParameter], context: String) {
        let trailerKeys = Set(trailer.map(\.key))
        self.event = event
        self.parameters = Self.collapsingDuplicates(parameters).filter { !trailerKeys.contains($0.key) }
        self.trailer = trailer
        self.context = context
    }

    /// Every pair passed: the parameters, then the trailer.
    public var pairs: [HookParameter] { parameters + trailer }

    /// argv after argv[0]: `key value key value …`, secrets left out.
    public var arguments: [String] {
        pairs.filter { !Self.secrets.isSecretKey($0.key) }
            .flatMap { [Self.cString($0.key), Self.cString($0.value)] }
    }

    /// Decides which keys are secrets (the same rule the logs use).
    static let secrets = LogRedactor.standard

    /// The hook's environment: `base` (the agent's own environment) with `/sbin/` added to
    /// `PATH` and every pair as a `QVD_…` variable (see ``HookEnvironment``).
    public func environment(base: [String: String]) -> [String: String] {
        HookEnvironment.build(base: base, pairs: pairs)
    }

    /// Keeps the first position and the last value of every key.
    public static func collapsingDuplicates(_ parameters: [HookParameter]) -> [HookParameter] {
        var positions: [String: Int] = [:]
        var result: [HookParameter] = []
        result.reserveCapacity(parameters.count)
        for parameter in parameters {
            if let position = positions[parameter.key] {
                result[position].value = parameter.value
            } else {
                positions[parameter.key] = result.count
                result.append(parameter)
            }
        }
        return result
    }

    public var description: String { "\(event.configurationKey) (\(context))" }

    private static func cString(_ text: String) -> String {
        guard let nul = text.utf8.firstIndex(of: 0) else { return text }
        return String(text[..<nul])
    }
}
