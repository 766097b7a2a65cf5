/// Typed view of the logging keys (`upstream-vma.md §10`): where the log goes and how
/// much is written. Built once from a `Configuration`; the log backend reads its fields.
///
/// Upstream's QVD::Log reads `log.filename`, or `<component>.log.filename` when a
/// program sets its daemon name (the client uses `client.log.filename`, the VM slave
/// server `vma-slaveserver.log.filename`), plus `log.level` and `log.preset`.
public struct LogConfiguration: Sendable, Hashable {
    /// Where log lines go (`log.preset`).
    public enum Destination: Sendable, Hashable {
        /// Append to this file (`log.preset = file`, the default).
        case file(String)
        /// Write to standard output (`log.preset = stdout`).
        case standardOutput
        /// Write to standard error (`log.preset = stderr`).
        case standardError
    }

    /// Where the log goes.
    public var destination: Destination
    /// The least severe level written.
    public var level: QVDLogLevel

    public init(destination: Destination, level: QVDLogLevel) {
        self.destination = destination
        self.level = level
    }

    /// The log file, when the destination is a file.
    public var filename: String? {
        if case let .file(path) = destination { return path }
        return nil
    }

    /// The key holding the log file name for `component` (`nil`: `log.filename`).
    public static func filenameKey(component: String?) -> String {
        component.map { "\($0).log.filename" } ?? "log.filename"
    }

    /// Reads `log.preset` (default `file`), `log.level` (default `INFO`) and, for a file,
    /// the component's file-name key, expanding `~/` with `home`.
    public init(_ configuration: Configuration, component: String? = nil, home: String? = nil) throws(ConfigError) {
        let preset: String
        if configuration.contains("log.preset") {
            preset = try configuration.typed("log.preset",
                                             expected: "one of file, stdout, stderr (Log4perl's 'custom' is not supported)") { text in
                ["file", "stdout", "stderr"].first { $0 == text.lowercased() }
            }
        } else {
            preset = "file"
        }
        switch preset {
        case "stdout": destination = .standardOutput
        case "stderr": destination = .standardError
        default: destination = .file(try configuration.path(Self.filenameKey(component: component), home: home))
        }

        if configuration.contains("log.level") {
            level = try configuration.typed("log.level",
                                            expected: "a log level (ALL, DEBUG, INFO, WARN, ERROR, FATAL, OFF)") {
                QVDLogLevel(configValue: $0)
            }
        } else {
            level = .info
        }
    }
}
