/// A value as a reader sees it: `${…}` expanded against the whole merged configuration,
/// with the entry that set it and every entry its references used, so a report can say
/// both where the value was set and where the parts it borrows came from.
public struct ConfigValue: Sendable, Hashable, CustomStringConvertible {
    /// The key.
    public var key: String
    /// The expanded value.
    public var value: String
    /// The effective setting (raw value and source).
    public var entry: ConfigEntry
    /// The settings `${…}` references resolved to, directly or through other references,
    /// in order of first use.
    public var references: [ConfigEntry]

    public init(key: String, value: String, entry: ConfigEntry, references: [ConfigEntry] = []) {
        self.key = key
        self.value = value
        self.entry = entry
        self.references = references
    }

    /// Where the key was set.
    public var source: ConfigSource { entry.source }
    /// The value as written, before expansion.
    public var raw: String { entry.value }

    public var description: String {
        "\(key) = \(value) (\(source))"
    }
}
