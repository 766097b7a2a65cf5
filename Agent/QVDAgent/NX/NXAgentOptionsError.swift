/// Why the nxagent options file or command line could not be built.
///
/// Upstream checks only `^[\w/\-\+]+$` on the five client values and dies with "invalid
/// characters in parameter <key>" (`upstream-vma.md` §3.2); it passes
/// `qvd.client.nxagent.extra_args` through unchecked. We validate every value and say which key,
/// which value and what was expected (`README.md`, "Where this project deliberately differs" 4).
/// Values are quoted with Swift escaping, so control characters sent by a client show up as
/// `\n`, `\u{1B}` … instead of breaking the log line or RPC message they appear in.
public enum NXAgentOptionsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A `qvd.client.*` parameter of x_start has a value nxagent must not get.
    case invalidValue(key: String, value: String, expected: String)
    /// A configured `vma.default.*` fallback for a missing parameter is itself invalid.
    case invalidDefault(key: String, value: String, expected: String)
    /// An item of `qvd.client.nxagent.extra_args` is not of the form `name=value`.
    case malformedExtraOption(item: String)
    /// An item of `qvd.client.nxagent.extra_args` names an option that is not on the allow-list.
    case extraOptionNotAllowed(name: String, reason: String)
    /// An allow-listed extra option has a value outside what it accepts.
    case invalidExtraOptionValue(name: String, value: String, expected: String)
    /// A VMA configuration value (display, tolerance checks, options-file path …) is unusable.
    case invalidConfiguration(key: String, value: String, expected: String)
    /// A configured extra-arguments string cannot be split into words.
    case malformedArguments(key: String, text: String, problem: String)

    public var description: String {
        switch self {
        case let .invalidValue(key, value, expected):
            return "invalid value \(Self.quote(value)) for parameter \(key): expected \(expected)"
        case let .invalidDefault(key, value, expected):
            return "invalid configured default \(Self.quote(value)) for missing parameter \(key): expected \(expected); fix vma.default.\(key) in the VMA configuration"
        case let .malformedExtraOption(item):
            return "invalid item \(Self.quote(item)) in parameter \(NXAgentExtraOptions.parameterKey): expected comma-separated nxagent options of the form name=value"
        case let .extraOptionNotAllowed(name, reason):
            return "nxagent option \(Self.quote(name)) in parameter \(NXAgentExtraOptions.parameterKey) is not allowed: \(reason); allowed options: \(NXAgentExtraOptions.allowedOptionNames.joined(separator: ", "))"
        case let .invalidExtraOptionValue(name, value, expected):
            return "invalid value \(Self.quote(value)) for nxagent option \(name) in parameter \(NXAgentExtraOptions.parameterKey): expected \(expected)"
        case let .invalidConfiguration(key, value, expected):
            return "invalid configuration value \(Self.quote(value)) for \(key): expected \(expected)"
        case let .malformedArguments(key, text, problem):
            return "cannot split \(key) = \(Self.quote(text)) into arguments: \(problem)"
        }
    }

    /// The value in double quotes, with Swift's escapes for quotes, backslashes and controls.
    static func quote(_ value: String) -> String {
        String(reflecting: value)
    }
}
