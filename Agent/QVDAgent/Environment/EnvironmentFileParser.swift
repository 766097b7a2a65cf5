/// Parses `KEY=VALUE` files (`/etc/locale.conf`, `/etc/default/locale`, `/etc/environment`,
/// `~/.qvd_environment`) into variables, apart from any decision about which to use.
///
/// Upstream (`_set_environment`, `upstream-vma.md` §3.3) splits every line at the first `=`
/// after deleting from the first `#` not preceded by a backslash, together with the character
/// before it, and keeps surrounding quotes, so `LANG="de_DE.UTF-8"` sets `LANG` to a value
/// with quotes in it, `#X=1` sets a variable called `#X` and `A=a#b` sets `A` to nothing.
/// Our rules, closer to what a shell reading these files does:
/// * blank lines and lines whose first non-blank character is `#` are ignored;
/// * a line is `NAME=VALUE` with `NAME` matching `[A-Za-z_][A-Za-z0-9_]*` (spaces around the
///   line and after `=` are ignored); anything else is reported as a ``Problem`` and skipped;
/// * a value starting with `"` or `'` ends at the next identical quote; the quotes are
///   removed (no escapes are interpreted) and only blanks or a `#` comment may follow;
/// * in an unquoted value a `#` at its start or after a blank starts a comment, and trailing
///   blanks are removed; other `#` characters (`URL=http://h/#x`) are kept;
/// * a value may not contain a NUL byte (no process environment can hold one).
public enum EnvironmentFileParser {
    /// One variable from one line.
    public struct Entry: Sendable, Hashable {
        public let name: String
        public let value: String
        /// 1-based.
        public let lineNumber: Int

        public init(name: String, value: String, lineNumber: Int) {
            self.name = name
            self.value = value
            self.lineNumber = lineNumber
        }
    }

    /// Why a line was skipped.
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        /// No `=` in the line.
        case missingEquals
        /// The name is not `[A-Za-z_][A-Za-z0-9_]*`.
        case invalidName(String)
        /// A quoted value has no closing quote.
        case unterminatedQuote
        /// Something other than a comment follows a closing quote.
        case textAfterClosingQuote
        /// The line contains a NUL byte.
        case nulByte

        public var description: String {
            switch self {
            case .missingEquals:
                return "not of the form NAME=VALUE"
            case .invalidName(let name):
                return "\(String(reflecting: name)) is not a valid variable name (letters, digits and '_', not starting with a digit)"
            case .unterminatedQuote:
                return "the value's opening quote is never closed"
            case .textAfterClosingQuote:
                return "text follows the value's closing quote"
            case .nulByte:
                return "it contains a NUL byte"
            }
        }
    }

    /// A skipped line.
    public struct LineProblem: Sendable, Hashable {
        /// 1-based.
        public let lineNumber: Int
        public let problem: Problem

        public init(lineNumber: Int, problem: Problem) {
            self.lineNumber = lineNumber
            self.problem = problem
        }
    }

    /// The variables in file order (a later line for the same name wins when applied) and
    /// the skipped lines.
    public struct ParsedFile: Sendable, Hashable {
        public var entries: [Entry] = []
        public var problems: [LineProblem] = []

        public init(entries: [Entry] = [], problems: [LineProblem] = []) {
            self.entries = entries
            self.problems = problems
        }
    }

    /// Parses the text of one file (UTF-8; invalid sequences become U+FFFD).
    public static func parse(_ bytes: [UInt8]) -> ParsedFile {
        parse(String(decoding: bytes, as: UTF8.self))
    }

    /// Parses the text of one file.
    public static func parse(_ text: String) -> ParsedFile {
        var result = ParsedFile()
        var lineNumber = 0
        // "\r\n" is a single Character, so it is a separator of its own.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            switch parseLine(rawLine) {
            case .ignored:
                continue
            case .variable(let name, let value):
                result.entries.append(Entry(name: name, value: value, lineNumber: lineNumber))
            case .problem(let problem):
                result.problems.append(LineProblem(lineNumber: lineNumber, problem: problem))
            }
        }
        return result
    }

    private enum Line {
        case ignored
        case variable(name: String, value: String)
        case problem(Problem)
    }

    private static func parseLine(_ raw: Substring) -> Line {
        var line = raw
        if line.last == "\r" { line = line.dropLast() }
        line = trimmed(line)
        if line.isEmpty || line.first == "#" { return .ignored }
        if line.unicodeScalars.contains("\0") { return .problem(.nulByte) }
        guard let equals = line.firstIndex(of: "=") else { return .problem(.missingEquals) }
        let name = String(line[..<equals])
        guard isValidName(name) else { return .problem(.invalidName(name)) }
        let rawValue = trimmed(line[line.index(after: equals)...])

        if let quote = rawValue.first, quote == "\"" || quote == "'" {
            let afterOpening = rawValue.index(after: rawValue.startIndex)
            guard let closing = rawValue[afterOpening...].firstIndex(of: quote) else {
                return .problem(.unterminatedQuote)
            }
            let rest = trimmed(rawValue[rawValue.index(after: closing)...])
            guard rest.isEmpty || rest.first == "#" else { return .problem(.textAfterClosingQuote) }
            return .variable(name: name, value: String(rawValue[afterOpening..<closing]))
        }

        var end = rawValue.endIndex
        var previous: Character? = nil
        for index in rawValue.indices {
            let character = rawValue[index]
            if character == "#", previous == nil || previous == " " || previous == "\t" {
                end = index
                break
            }
            previous = character
        }
        return .variable(name: name, value: String(trimmed(rawValue[..<end])))
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        func isLetter(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
        }
        guard isLetter(first) else { return false }
        return name.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
