/// Log levels of `log.level`, with upstream's names (Log4perl's, `upstream-vma.md §10`),
/// ordered from most to least verbose: a logger set to a level writes events at that
/// level and above. `ALL` writes everything and `OFF` nothing.
public enum QVDLogLevel: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    case all = 0
    case debug
    case info
    case warn
    case error
    case fatal
    case off

    /// The names `log.level` accepts, any case. `TRACE`, which Log4perl has below
    /// `DEBUG` and upstream's client accepts, reads as `ALL`.
    public static let configNames = ["ALL", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"]

    /// Parses a level name, case-insensitively; `nil` for anything else.
    public init?(configValue: String) {
        switch configValue.uppercased() {
        case "ALL", "TRACE": self = .all
        case "DEBUG": self = .debug
        case "INFO": self = .info
        case "WARN": self = .warn
        case "ERROR": self = .error
        case "FATAL": self = .fatal
        case "OFF": self = .off
        default: return nil
        }
    }

    /// The upper-case name, as written in configuration and log lines.
    public var name: String {
        switch self {
        case .all: return "ALL"
        case .debug: return "DEBUG"
        case .info: return "INFO"
        case .warn: return "WARN"
        case .error: return "ERROR"
        case .fatal: return "FATAL"
        case .off: return "OFF"
        }
    }

    public var description: String { name }

    public static func < (lhs: QVDLogLevel, rhs: QVDLogLevel) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    /// True when a logger at this threshold writes an event of level `event`
    /// (`event` should be one of DEBUG…FATAL; nothing passes an `OFF` threshold).
    public func allows(_ event: QVDLogLevel) -> Bool {
        self != .off && event != .off && event >= self
    }
}
