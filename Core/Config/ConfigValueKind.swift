/// The type a key's value must have. Used to check a whole configuration at once
/// (`Configuration.validate()`, `qvd-vma --check-config`) and shown by `--help-config`.
public enum ConfigValueKind: Sendable, Hashable, CustomStringConvertible {
    /// Any text.
    case text
    /// `1/0`, `yes/no`, `true/false`, `on/off`, any case; empty is false, as in Perl.
    case boolean
    /// A decimal integer, optionally within a range.
    case integer(ClosedRange<Int>?)
    /// Octal digits, e.g. a umask `0022`.
    case octal
    /// A decimal number.
    case number
    /// A file or directory path (`~/` is the user's home where the reader says so).
    case path
    /// Items separated by commas and/or whitespace.
    case list
    /// Arguments split shell-style (quotes honoured), e.g. `*.extra_args`.
    case words
    /// One of a fixed set of words, compared case-insensitively.
    case choice([String])

    public var description: String {
        switch self {
        case .text: return "text"
        case .boolean: return "boolean"
        case .integer(nil): return "integer"
        case let .integer(range?): return "integer \(range.lowerBound)-\(range.upperBound)"
        case .octal: return "octal"
        case .number: return "number"
        case .path: return "path"
        case .list: return "list"
        case .words: return "arguments"
        case let .choice(options): return options.joined(separator: "|")
        }
    }
}
