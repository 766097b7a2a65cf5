/// Pure decoders for configuration values, apart from where the values come from, so
/// other components can apply the same rules to values that arrive elsewhere (e.g. the
/// `qvd.client.*` parameters of `x_start`).
public enum ConfigValueParser {
    /// `1/0`, `yes/no`, `true/false`, `on/off` in any case. Empty is false: upstream tests
    /// values with Perl truth, and several defaults are empty (`client.fullscreen =`,
    /// `client.audio.enable =`). Anything else is `nil`.
    public static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "", "0", "no", "false", "off": return false
        case "1", "yes", "true", "on": return true
        default: return nil
        }
    }

    /// An integer in `radix` (10, or 8 for modes such as `vma.user.umask = 0022`),
    /// with an optional sign. No other characters are accepted.
    public static func int(_ text: String, radix: Int = 10) -> Int? {
        Int(text, radix: radix)
    }

    /// A finite decimal number (`1`, `2.5`, `-0.25`, `1e3`); `nan` and `inf` are refused.
    public static func double(_ text: String) -> Double? {
        guard let value = Double(text), value.isFinite else { return nil }
        // Double("0x10") parses hexadecimal; configuration numbers are decimal only.
        guard !text.lowercased().contains("x") else { return nil }
        return value
    }

    /// Splits a value into items. Returns `nil` only for `.shellWords` with an unclosed
    /// quote or a trailing lone backslash.
    public static func list(_ text: String, style: ConfigListStyle) -> [String]? {
        switch style {
        case .commas:
            return text.split(separator: ",", omittingEmptySubsequences: false)
                .map { trimmed(String($0)) }
                .filter { !$0.isEmpty }
        case .whitespace:
            return text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
                .map(String.init)
        case .commasOrWhitespace:
            return text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
                .map(String.init)
        case .shellWords:
            guard case .success(let words) = ShellWords.split(text) else { return nil }
            return words
        }
    }

    private static func trimmed(_ text: String) -> String {
        var slice = Substring(text)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
