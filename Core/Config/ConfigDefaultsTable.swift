/// A component's table of known keys: their defaults, types and descriptions, the open
/// families of keys it accepts, and the environment variables it maps to keys.
///
/// One table per component (`VMAConfigDefaults.table`, `ClientConfigDefaults.table`)
/// plays three parts: it is the lowest configuration layer (`layer`), the list that
/// unknown-key warnings check against, and the source of `--help-config` text.
public struct ConfigDefaultsTable: Sendable {
    /// The program the table belongs to, e.g. `qvd-vma`.
    public let component: String
    /// The known keys, in the order they are documented.
    public let keys: [ConfigKeyDefinition]
    /// Prefixes under which any key is accepted.
    public let families: [ConfigKeyFamily]
    /// Environment variables that set keys.
    public let environmentVariables: [ConfigEnvironmentVariable]

    private let index: [String: Int]
    private let suggester: ConfigKeySuggester

    /// Builds a table. If a key is listed twice the first row counts (the tests assert
    /// that the shipped tables have no duplicates).
    public init(component: String, keys: [ConfigKeyDefinition], families: [ConfigKeyFamily] = [],
                environmentVariables: [ConfigEnvironmentVariable] = []) {
        self.component = component
        self.keys = keys
        self.families = families
        self.environmentVariables = environmentVariables
        var index: [String: Int] = [:]
        for (position, definition) in keys.enumerated() where index[definition.key] == nil {
            index[definition.key] = position
        }
        self.index = index
        self.suggester = ConfigKeySuggester(keys: keys.map(\.key), families: families)
    }

    /// The row for `key`, if the table lists it.
    public subscript(key: String) -> ConfigKeyDefinition? {
        index[key].map { keys[$0] }
    }

    /// The built-in default of `key` as written (with `${…}` unexpanded).
    public func defaultValue(of key: String) -> String? {
        self[key]?.defaultValue
    }

    /// The open family `key` belongs to, if any.
    public func family(of key: String) -> ConfigKeyFamily? {
        families.first { $0.contains(key) }
    }

    /// True when the table lists `key` or one of its families covers it.
    public func isKnown(_ key: String) -> Bool {
        index[key] != nil || family(of: key) != nil
    }

    /// The known key nearest to a misspelt `key`, if one is close.
    public func suggestion(for key: String) -> String? {
        suggester.suggestion(for: key)
    }

    /// True when `key` holds a password or token that must not be printed.
    public func isSecret(_ key: String) -> Bool {
        self[key]?.isSecret ?? false
    }

    /// The defaults as the lowest configuration layer (keys without a default are left out).
    public var layer: ConfigLayer {
        let entries = keys.compactMap { definition -> ConfigEntry? in
            guard let value = definition.defaultValue else { return nil }
            return ConfigEntry(key: definition.key, value: value, source: .defaults(component))
        }
        return ConfigLayer(kind: .defaults, name: component, entries: entries)
    }

    /// The environment layer for this component's variables.
    public func environmentLayer(_ environment: [String: String]) -> ConfigLayer {
        ConfigLayer.environment(environment, variables: environmentVariables)
    }
}
