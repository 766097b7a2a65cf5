/// The result of parsing one properties file: its settings in file order (a key set twice
/// appears twice; the later one wins) and the warnings found on the way.
public struct PropertiesDocument: Sendable, Hashable {
    /// Every `key = value` line, in file order.
    public var entries: [ConfigEntry]
    /// Keys set twice, a non-UTF-8 file.
    public var warnings: [ConfigWarning]

    public init(entries: [ConfigEntry] = [], warnings: [ConfigWarning] = []) {
        self.entries = entries
        self.warnings = warnings
    }

    /// The value the file gives `key` (its last setting), without interpolation.
    public subscript(key: String) -> String? {
        entries.last { $0.key == key }?.value
    }
}
