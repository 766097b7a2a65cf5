/// Parses QVD configuration files, which upstream reads with Perl's `Config::Properties`
/// 1.80 (a near copy of `java.util.Properties`; `upstream-vma.md §9`,
/// `upstream-l7r-protocol.md §9`). The rules, as that module applies them:
///
/// - Lines end with LF, CR LF or CR. A UTF-8 byte-order mark on line 1 is dropped.
/// - A line that is blank, or whose first non-blank character is `#` or `!`, is a comment.
///   A comment never continues onto the next line.
/// - A line ending in an odd number of backslashes continues on the next line: the final
///   backslash goes, and the next line's leading whitespace is dropped.
/// - The key runs from the first non-blank character up to whitespace, `=` or `:`
///   (a backslash escapes any of them). Then comes the separator: `=`, `:`, or just
///   whitespace (`key value`), with optional whitespace around it. Everything after is the
///   value, which may be empty (`key =`). A line with a key but no separator at all is an
///   error, as in `Config::Properties` ("invalid property line").
/// - Escapes in keys and values: `\t`, `\n`, `\r`, `\uXXXX`, and `\\`, `\"`, `\'`, `\ `,
///   `\=`, `\:`, `\#`, `\!` for the character itself. Any other backslash is kept as
///   written (so `C:\path` survives), again as in `Config::Properties`, which differs from
///   Java here.
///
/// One deliberate difference: trailing whitespace of a value is trimmed (upstream keeps
/// it, so `vma.slave.enable = 1␠` would not read as true there). Write `\ ` to keep a
/// trailing space.
///
/// `${other.key}` references are kept as written; `Configuration` expands them when a
/// value is read.
public struct PropertiesParser: Sendable {
    /// The file name used in sources and error messages.
    public var path: String
    /// The layer the file belongs to (system or user file).
    public var kind: ConfigLayerKind

    public init(path: String, kind: ConfigLayerKind = .systemFile) {
        self.path = path
        self.kind = kind
    }

    /// Parses raw file bytes: UTF-8, or ISO-8859-1 (upstream's default encoding) with a
    /// warning when the bytes are not valid UTF-8.
    public func parse(bytes: [UInt8]) throws(ConfigError) -> PropertiesDocument {
        if let text = String(validating: bytes, as: UTF8.self) {
            return try parse(text)
        }
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        var document = try parse(String(scalars))
        document.warnings.insert(ConfigWarning(.notUTF8, source: .file(path, line: nil, kind: kind)), at: 0)
        return document
    }

    /// Parses the text of a properties file.
    public func parse(_ text: String) throws(ConfigError) -> PropertiesDocument {
        let lines = Self.physicalLines(of: text)
        var document = PropertiesDocument()
        var lineOfKey: [String: Int] = [:]
        var index = 0
        while index < lines.count {
            let startLine = index + 1
            var line = lines[index]
            index += 1
            if startLine == 1, line.first == "\u{FEFF}" { line.removeFirst() }
            if Self.isCommentOrBlank(line) { continue }

            // Continuation: an odd run of trailing backslashes joins the next line.
            while Self.trailingBackslashes(line) % 2 == 1 {
                line.removeLast()
                guard index < lines.count else { break }
                var next = lines[index][...]
                index += 1
                while let first = next.first, Self.isBlank(first) { next.removeFirst() }
                line.append(contentsOf: next)
            }

            let entry = try parseLogicalLine(line, lineNumber: startLine)
            if let previous = lineOfKey[entry.key] {
                document.warnings.append(ConfigWarning(
                    .duplicateKey(key: entry.key, previousLine: previous), source: entry.source))
            }
            lineOfKey[entry.key] = startLine
            document.entries.append(entry)
        }
        return document
    }

    // MARK: - One logical line

    private func parseLogicalLine(_ line: [Unicode.Scalar], lineNumber: Int) throws(ConfigError) -> ConfigEntry {
        var position = 0
        while position < line.count, Self.isBlank(line[position]) { position += 1 }

        let keyStart = position
        while position < line.count {
            let scalar = line[position]
            if scalar == "\\", position + 1 < line.count {
                position += 2
                continue
            }
            if Self.isBlank(scalar) || scalar == "=" || scalar == ":" { break }
            position += 1
        }
        let rawKey = Array(line[keyStart..<position])
        if rawKey.isEmpty {
            throw .syntax(path: path, line: lineNumber,
                          problem: "'\(Self.excerpt(line))' has no key before the '\(line[position])'")
        }

        var blanks = 0
        while position < line.count, Self.isBlank(line[position]) {
            position += 1
            blanks += 1
        }
        if position < line.count, line[position] == "=" || line[position] == ":" {
            position += 1
        } else if blanks == 0 {
            throw .syntax(path: path, line: lineNumber,
                          problem: "'\(Self.excerpt(line))' is not a property line: write 'key = value' ('key =' for an empty value)")
        }
        while position < line.count, Self.isBlank(line[position]) { position += 1 }
        let rawValue = Array(line[position...])

        let key = try unescape(rawKey, lineNumber: lineNumber)
        var value = try unescape(rawValue, lineNumber: lineNumber)
        while let last = value.last, !last.escaped, Self.isBlank(last.scalar) { value.removeLast() }

        return ConfigEntry(key: Self.string(key.map(\.scalar)),
                           value: Self.string(value.map(\.scalar)),
                           source: .file(path, line: lineNumber, kind: kind))
    }

    /// Decodes `Config::Properties` escapes, remembering which characters were escaped so
    /// that an escaped trailing space survives trimming.
    private func unescape(_ raw: [Unicode.Scalar], lineNumber: Int) throws(ConfigError) -> [(scalar: Unicode.Scalar, escaped: Bool)] {
        var result: [(scalar: Unicode.Scalar, escaped: Bool)] = []
        result.reserveCapacity(raw.count)
        var position = 0
        while position < raw.count {
            let scalar = raw[position]
            guard scalar == "\\", position + 1 < raw.count else {
                result.append((scalar, false))
                position += 1
                continue
            }
            let next = raw[position + 1]
            switch next {
            case "t": result.append(("\t", true)); position += 2
            case "n": result.append(("\n", true)); position += 2
            case "r": result.append(("\r", true)); position += 2
            case "\\", "\"", "'", " ", "=", ":", "#", "!":
                result.append((next, true)); position += 2
            case "u" where position + 6 <= raw.count && Self.isHex(raw[(position + 2)..<(position + 6)]):
                let digits = Self.string(Array(raw[(position + 2)..<(position + 6)]))
                guard let code = UInt32(digits, radix: 16), let decoded = Unicode.Scalar(code) else {
                    throw .syntax(path: path, line: lineNumber,
                                  problem: "'\\u\(digits)' is not a character (a UTF-16 surrogate); write the character itself")
                }
                result.append((decoded, true))
                position += 6
            default:
                // Config::Properties keeps unknown escapes as written.
                result.append((scalar, false))
                position += 1
            }
        }
        return result
    }

    // MARK: - Helpers

    /// Splits text into lines on LF, CR LF or CR, as `Config::Properties` does.
    static func physicalLines(of text: String) -> [[Unicode.Scalar]] {
        var lines: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if previousWasCR { previousWasCR = false; continue }
                lines.append(current); current = []
            } else if scalar == "\r" {
                lines.append(current); current = []
                previousWasCR = true
                continue
            } else {
                current.append(scalar)
            }
            previousWasCR = false
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Perl's `\s` without the line breaks, which never reach a line.
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\u{0C}" || scalar == "\u{0B}"
    }

    private static func isCommentOrBlank(_ line: [Unicode.Scalar]) -> Bool {
        guard let first = line.first(where: { !isBlank($0) }) else { return true }
        return first == "#" || first == "!"
    }

    private static func trailingBackslashes(_ line: [Unicode.Scalar]) -> Int {
        var count = 0
        for scalar in line.reversed() {
            guard scalar == "\\" else { break }
            count += 1
        }
        return count
    }

    private static func isHex(_ scalars: ArraySlice<Unicode.Scalar>) -> Bool {
        scalars.count == 4 && scalars.allSatisfy { $0.properties.isASCIIHexDigit }
    }

    private static func string(_ scalars: [Unicode.Scalar]) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// The line as quoted in an error message, trimmed and cut at 60 characters.
    private static func excerpt(_ line: [Unicode.Scalar]) -> String {
        var text = string(line)
        text = String(text.drop { $0 == " " || $0 == "\t" })
        while text.last == " " || text.last == "\t" { text.removeLast() }
        if text.count > 60 { text = String(text.prefix(57)) + "..." }
        return text
    }
}
