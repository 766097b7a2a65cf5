/// Where one configuration value came from: a file and line, an environment variable,
/// a command-line option, or the built-in defaults.
///
/// Its `description` is what error messages, warnings and `qvd-vma --check-config` print,
/// e.g. `/etc/qvd/vma.conf:12`, `environment variable QVD_LOG_LEVEL`,
/// `command line --address`, `built-in default`.
public struct ConfigSource: Sendable, Hashable, CustomStringConvertible {
    /// The kind of layer the value came from.
    public var kind: ConfigLayerKind
    /// The file path, environment variable or command-line option; for defaults, the
    /// component whose table supplied the value.
    public var name: String
    /// The 1-based line of a file entry (the line where the key is, for a continued entry).
    public var line: Int?

    public init(kind: ConfigLayerKind, name: String, line: Int? = nil) {
        self.kind = kind
        self.name = name
        self.line = line
    }

    /// A value from a properties file.
    public static func file(_ path: String, line: Int?, kind: ConfigLayerKind = .systemFile) -> ConfigSource {
        ConfigSource(kind: kind, name: path, line: line)
    }

    /// A value from a component's table of defaults.
    public static func defaults(_ component: String) -> ConfigSource {
        ConfigSource(kind: .defaults, name: component)
    }

    /// A value from an environment variable.
    public static func environment(_ variable: String) -> ConfigSource {
        ConfigSource(kind: .environment, name: variable)
    }

    /// A value from a command-line option.
    public static func commandLine(_ option: String) -> ConfigSource {
        ConfigSource(kind: .commandLine, name: option)
    }

    public var description: String {
        switch kind {
        case .defaults:
            return "built-in default"
        case .systemFile, .userFile:
            if let line { return "\(name):\(line)" }
            return name
        case .environment:
            return "environment variable \(name)"
        case .commandLine:
            return "command line \(name)"
        }
    }
}
