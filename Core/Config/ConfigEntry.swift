/// One `key = value` setting as written, before `${…}` interpolation, with its source.
public struct ConfigEntry: Sendable, Hashable, CustomStringConvertible {
    /// The key, e.g. `vma.slave.enable`.
    public var key: String
    /// The raw value: escapes decoded, surrounding whitespace trimmed, `${…}` not expanded.
    public var value: String
    /// Where the setting was made.
    public var source: ConfigSource

    public init(key: String, value: String, source: ConfigSource) {
        self.key = key
        self.value = value
        self.source = source
    }

    public var description: String {
        "\(key) = \(value) (\(source))"
    }
}
