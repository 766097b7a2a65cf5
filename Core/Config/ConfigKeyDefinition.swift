/// One row of a component's table of defaults: a key, its default value, its type and a
/// one-line description for `--help-config` and man pages.
public struct ConfigKeyDefinition: Sendable, Hashable {
    /// The key, spelled as upstream spells it.
    public var key: String
    /// The built-in default, possibly with `${…}` references; `nil` for a key that is
    /// read but has no default (upstream's "no default" keys).
    public var defaultValue: String?
    /// The value's type.
    public var kind: ConfigValueKind
    /// One line saying what the key does (and, for values we chose, why).
    public var summary: String
    /// Upstream's key, or one we add.
    public var origin: ConfigKeyOrigin
    /// Passwords and tokens: printed as `********` by `--check-config`.
    public var isSecret: Bool

    public init(key: String, defaultValue: String?, kind: ConfigValueKind, summary: String,
                origin: ConfigKeyOrigin = .upstream, isSecret: Bool = false) {
        self.key = key
        self.defaultValue = defaultValue
        self.kind = kind
        self.summary = summary
        self.origin = origin
        self.isSecret = isSecret
    }

    /// An upstream key with upstream's default.
    public static func upstream(_ key: String, _ defaultValue: String?, _ kind: ConfigValueKind,
                                _ summary: String, secret: Bool = false) -> ConfigKeyDefinition {
        ConfigKeyDefinition(key: key, defaultValue: defaultValue, kind: kind, summary: summary,
                            origin: .upstream, isSecret: secret)
    }

    /// A key this implementation adds.
    public static func added(_ key: String, _ defaultValue: String?, _ kind: ConfigValueKind,
                             _ summary: String, secret: Bool = false) -> ConfigKeyDefinition {
        ConfigKeyDefinition(key: key, defaultValue: defaultValue, kind: kind, summary: summary,
                            origin: .added, isSecret: secret)
    }
}
