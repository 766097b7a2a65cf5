/// One source of settings: the defaults table, a file, the environment or the command
/// line. `Configuration` merges layers by `kind` (defaults < system file < user file <
/// environment < command line); the caller builds them, so tests never touch `/etc/qvd`.
public struct ConfigLayer: Sendable {
    /// The layer's place in the precedence order.
    public var kind: ConfigLayerKind
    /// The file path, component name, `environment` or `command line`.
    public var name: String
    /// Every setting in order; for a key set twice, the later one counts.
    public private(set) var entries: [ConfigEntry]
    /// Problems found while reading the layer (duplicate keys, encoding).
    public var warnings: [ConfigWarning]
    /// False for an optional file that does not exist (reported by `--check-config`).
    public var isPresent: Bool

    private var lastIndex: [String: Int]

    public init(kind: ConfigLayerKind, name: String, entries: [ConfigEntry],
                warnings: [ConfigWarning] = [], isPresent: Bool = true) {
        self.kind = kind
        self.name = name
        self.entries = entries
        self.warnings = warnings
        self.isPresent = isPresent
        var index: [String: Int] = [:]
        for (position, entry) in entries.enumerated() { index[entry.key] = position }
        self.lastIndex = index
    }

    /// The layer's setting for `key`, if it has one.
    public subscript(key: String) -> ConfigEntry? {
        lastIndex[key].map { entries[$0] }
    }

    /// The keys the layer sets, each once, in order of first appearance.
    public var keys: [String] {
        var seen = Set<String>()
        return entries.compactMap { seen.insert($0.key).inserted ? $0.key : nil }
    }

    /// Adds or replaces a setting (for programs that set a key from a flag).
    public mutating func set(_ key: String, to value: String, source: ConfigSource) {
        entries.append(ConfigEntry(key: key, value: value, source: source))
        lastIndex[key] = entries.count - 1
    }

    // MARK: - Building layers

    /// Reads and parses a properties file. A missing file gives an empty layer with
    /// `isPresent == false` when `optional`, and `ConfigError.fileNotFound` otherwise; a
    /// file that exists but cannot be read, or does not parse, is always an error.
    public static func file(at path: String, kind: ConfigLayerKind = .systemFile,
                            optional: Bool = true) throws(ConfigError) -> ConfigLayer {
        switch try ConfigFileReader.load(path) {
        case .missing:
            guard optional else { throw .fileNotFound(path: path) }
            return ConfigLayer(kind: kind, name: path, entries: [], isPresent: false)
        case let .contents(bytes):
            let document = try PropertiesParser(path: path, kind: kind).parse(bytes: bytes)
            return ConfigLayer(kind: kind, name: path, entries: document.entries, warnings: document.warnings)
        }
    }

    /// Parses properties text as if read from `path` (for tests and embedded configs).
    public static func parsing(_ text: String, path: String,
                               kind: ConfigLayerKind = .systemFile) throws(ConfigError) -> ConfigLayer {
        let document = try PropertiesParser(path: path, kind: kind).parse(text)
        return ConfigLayer(kind: kind, name: path, entries: document.entries, warnings: document.warnings)
    }

    /// The settings of those `variables` that are set in `environment`, in the order the
    /// variables are listed (a later variable for the same key wins). Values are trimmed
    /// of surrounding whitespace, as file values are; a variable set to an empty value
    /// counts as unset (`QVD_LOG_LEVEL= qvd-vma` must not make `log.level` empty).
    public static func environment(_ environment: [String: String],
                                   variables: [ConfigEnvironmentVariable]) -> ConfigLayer {
        var entries: [ConfigEntry] = []
        for variable in variables {
            guard let raw = environment[variable.name] else { continue }
            let value = trimmed(raw)
            guard !value.isEmpty else { continue }
            entries.append(ConfigEntry(key: variable.key, value: value,
                                       source: .environment(variable.name)))
        }
        return ConfigLayer(kind: .environment, name: "environment", entries: entries)
    }

    /// Settings made by command-line options, e.g. `("--address", "vma.address", "127.0.0.1")`.
    public static func commandLine(_ settings: [(option: String, key: String, value: String)]) -> ConfigLayer {
        let entries = settings.map {
            ConfigEntry(key: $0.key, value: $0.value, source: .commandLine($0.option))
        }
        return ConfigLayer(kind: .commandLine, name: "command line", entries: entries)
    }

    /// Settings given as `key=value` arguments to `option` (e.g. `-o log.level=DEBUG`, or
    /// the Perl GUI client's positional `key=value`). Whitespace around the key and the
    /// value is trimmed; an argument without `=` or with an empty key is an error.
    public static func commandLine(assignments: [String], option: String) throws(ConfigError) -> ConfigLayer {
        var entries: [ConfigEntry] = []
        for argument in assignments {
            guard let equals = argument.firstIndex(of: "=") else {
                throw .badSetting(argument: argument, option: option, problem: "expected key=value")
            }
            let key = trimmed(String(argument[..<equals]))
            guard !key.isEmpty else {
                throw .badSetting(argument: argument, option: option, problem: "the key before '=' is empty")
            }
            let value = trimmed(String(argument[argument.index(after: equals)...]))
            entries.append(ConfigEntry(key: key, value: value, source: .commandLine(option)))
        }
        return ConfigLayer(kind: .commandLine, name: "command line", entries: entries)
    }

    private static func trimmed(_ text: String) -> String {
        var slice = Substring(text)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
