/// An open family of keys: any key starting with `prefix` is accepted without an
/// unknown-key warning, because the set is open by design (hooks such as
/// `vma.on_action.<action>`, `custom.*` properties, `client.share.<N>`, raw
/// `log4perl.*` settings).
public struct ConfigKeyFamily: Sendable, Hashable {
    /// The prefix, ending in a dot, e.g. `vma.on_action.`.
    public var prefix: String
    /// How the family is written in documentation, e.g. `vma.on_action.<action>`.
    public var pattern: String
    /// One line saying what the keys do.
    public var summary: String
    /// Upstream's family, or one we add.
    public var origin: ConfigKeyOrigin

    public init(prefix: String, pattern: String, summary: String, origin: ConfigKeyOrigin = .upstream) {
        self.prefix = prefix
        self.pattern = pattern
        self.summary = summary
        self.origin = origin
    }

    /// True when `key` belongs to the family (has the prefix and something after it).
    public func contains(_ key: String) -> Bool {
        key.count > prefix.count && key.hasPrefix(prefix)
    }
}
