/// Everything that can go wrong while reading configuration. Each case carries the key,
/// value and `file:line` involved, and its `description` tells the person editing the
/// file what to change.
public enum ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A file that must exist does not (`--config FILE` naming a missing file).
    case fileNotFound(path: String)
    /// A file exists but cannot be read (permissions, a directory, an I/O error).
    case unreadableFile(path: String, reason: String)
    /// A line that is not a property line. `problem` says what is wrong with it.
    case syntax(path: String, line: Int, problem: String)
    /// A key the caller needs is set nowhere and has no built-in default.
    case missingKey(key: String)
    /// `${reference}` in the value of `key` names a key that is set nowhere.
    case missingReference(reference: String, key: String, source: ConfigSource)
    /// `${…}` references that lead back to a key already being expanded.
    /// `chain` runs from the first key of the cycle back to it (`a -> b -> a`);
    /// `sources` holds where each key of the cycle (all but the repeated last) is set.
    case interpolationCycle(chain: [String], sources: [ConfigSource])
    /// A `${` with no closing `}`, or an empty `${}`.
    case malformedReference(key: String, value: String, problem: String, source: ConfigSource)
    /// A value that does not parse as the type the reader asked for.
    /// `expected` completes the sentence "… is not …", e.g. "an integer from 1 to 65535".
    case invalidValue(key: String, value: String, expected: String, source: ConfigSource)
    /// A command-line `key=value` setting that is not of that form.
    case badSetting(argument: String, option: String, problem: String)

    public var description: String {
        switch self {
        case let .fileNotFound(path):
            return "configuration file \(path) does not exist"
        case let .unreadableFile(path, reason):
            return "cannot read configuration file \(path): \(reason)"
        case let .syntax(path, line, problem):
            return "\(path):\(line): \(problem)"
        case let .missingKey(key):
            return "configuration key '\(key)' is not set and has no built-in default; set it in the configuration file"
        case let .missingReference(reference, key, source):
            return "\(source): '\(key)' refers to '${\(reference)}', but '\(reference)' is not set anywhere"
        case let .interpolationCycle(chain, sources):
            let cycle = chain.joined(separator: " -> ")
            let places = zip(chain, sources).map { "\($0.0) at \($0.1)" }.joined(separator: ", ")
            let first = sources.first.map { "\($0): " } ?? ""
            return "\(first)interpolation cycle \(cycle); change one of: \(places)"
        case let .malformedReference(key, value, problem, source):
            return "\(source): value of '\(key)' ('\(value)') \(problem)"
        case let .invalidValue(key, value, expected, source):
            return "\(source): '\(key)' is '\(value)', which is not \(expected)"
        case let .badSetting(argument, option, problem):
            return "command line \(option) '\(argument)': \(problem)"
        }
    }
}
