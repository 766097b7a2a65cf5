/// Splits a configured extra-arguments string into argv words, shell style: the one splitter
/// behind `ConfigListStyle.shellWords` and the NX command line.
///
/// Upstream splits `command.x-session.args.extra`, `command.nxagent.args.extra` and the
/// `*.extra_args` values with Perl's `glob`, which honours quotes and also expands wildcards
/// (`upstream-vma.md` §3.1). We honour quotes like sh (single quotes literal; double quotes
/// with `\"` `\\` `\$` and `` \` `` escapes; a backslash outside quotes escapes the next
/// character; space, tab, line feed and carriage return separate words) but do **not**
/// expand wildcards, variables or `~`: the words go to `exec`, not to a shell. These strings
/// come from the VMA's own configuration, never from a client.
public enum ShellWords {
    /// Why a string could not be split.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case unterminatedSingleQuote
        case unterminatedDoubleQuote
        case trailingBackslash

        public var description: String {
            switch self {
            case .unterminatedSingleQuote: "a single quote is not closed"
            case .unterminatedDoubleQuote: "a double quote is not closed"
            case .trailingBackslash: "it ends with a lone backslash"
            }
        }
    }

    /// The words of `text`; an empty or blank string gives no words.
    public static func split(_ text: String) -> Result<[String], Problem> {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            switch character {
            case " ", "\t", "\n", "\r":
                if inWord { words.append(current); current = ""; inWord = false }
            case "'":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "'" { closed = true; break }
                    current.append(next)
                }
                if !closed { return .failure(.unterminatedSingleQuote) }
            case "\"":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "\"" { closed = true; break }
                    if next == "\\" {
                        guard let escaped = iterator.next() else { return .failure(.unterminatedDoubleQuote) }
                        if !"\"\\$`".contains(escaped) { current.append("\\") }
                        current.append(escaped)
                    } else {
                        current.append(next)
                    }
                }
                if !closed { return .failure(.unterminatedDoubleQuote) }
            case "\\":
                guard let escaped = iterator.next() else { return .failure(.trailingBackslash) }
                inWord = true
                current.append(escaped)
            default:
                inWord = true
                current.append(character)
            }
        }
        if inWord { words.append(current) }
        return .success(words)
    }
}
