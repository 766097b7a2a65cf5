/// Which call parameters an action passes on to its hook.
public enum HookParameterPolicy: Sendable, Hashable {
    /// Every parameter, as received (`pre_connect`, `connect`).
    case all
    /// None: the hook gets only the trailer (`suspend`, `stop`, `poweroff`, `disconnect`).
    case none
    /// Only the parameters whose key starts with this prefix (`expire`:
    /// `vm.expiration.`).
    case keyPrefix(String)

    /// Whether a parameter with this key is passed on.
    public func admits(key: String) -> Bool {
        switch self {
        case .all: return true
        case .none: return false
        case .keyPrefix(let prefix): return key.hasPrefix(prefix)
        }
    }
}
