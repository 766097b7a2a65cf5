import Logging

/// The lowest level a log handler writes, or `off` to write nothing.
///
/// Mirrors upstream's `log.level` (Log4perl level names, `upstream-vma.md §10`):
///
/// | upstream name | threshold |
/// |---|---|
/// | `ALL`, `TRACE` | `.minimum(.trace)` |
/// | `DEBUG` | `.minimum(.debug)` |
/// | `INFO` | `.minimum(.info)` (upstream's default) |
/// | `WARN` | `.minimum(.warning)` |
/// | `ERROR` | `.minimum(.error)` |
/// | `FATAL` | `.minimum(.critical)` |
/// | `OFF` | `.off` |
///
/// swift-log has no "off" level, so `.off` is a property of our handler (it drops every
/// event) rather than a `Logger.Level`. This type deliberately works from the level *name*
/// so that the configuration layer can keep its own typed level and hand over its name.
public enum LogThreshold: Sendable, Hashable, CustomStringConvertible {
    /// Write nothing at all.
    case off
    /// Write events at this level and above.
    case minimum(Logger.Level)

    /// Parses an upstream level name; case-insensitive, surrounding spaces ignored.
    /// Returns nil for a name Log4perl would not accept (e.g. `VERBOSE`).
    public init?(upstreamName: String) {
        switch upstreamName.trimmingLogWhitespace().uppercased() {
        case "ALL", "TRACE": self = .minimum(.trace)
        case "DEBUG": self = .minimum(.debug)
        case "INFO": self = .minimum(.info)
        case "WARN": self = .minimum(.warning)
        case "ERROR": self = .minimum(.error)
        case "FATAL": self = .minimum(.critical)
        case "OFF": self = .off
        default: return nil
        }
    }

    /// The names `init(upstreamName:)` accepts, in the order an error message lists them.
    public static let upstreamNames = ["ALL", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"]

    /// True when nothing is written.
    public var isOff: Bool { self == .off }

    /// The swift-log level for `Logger.logLevel`, or nil when the threshold is `off`.
    public var swiftLogLevel: Logger.Level? {
        switch self {
        case .off: return nil
        case .minimum(let level): return level
        }
    }

    /// Whether an event at `level` passes this threshold.
    public func admits(_ level: Logger.Level) -> Bool {
        switch self {
        case .off: return false
        case .minimum(let minimum): return level >= minimum
        }
    }

    /// The upstream name for this threshold (`notice` has none upstream and reads `INFO`,
    /// since Log4perl's INFO is the closest level that still shows notices).
    public var upstreamName: String {
        switch self {
        case .off: return "OFF"
        case .minimum(let level):
            switch level {
            case .trace: return "ALL"
            case .debug: return "DEBUG"
            case .info, .notice: return "INFO"
            case .warning: return "WARN"
            case .error: return "ERROR"
            case .critical: return "FATAL"
            }
        }
    }

    public var description: String { upstreamName }
}

fileprivate extension String {
    /// Trims spaces and tabs at both ends (no Foundation in the logging path).
    func trimmingLogWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = self.firstIndex(where: { !isSpace($0) }),
              let last = self.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[first...last])
    }
}
