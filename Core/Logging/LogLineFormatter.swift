#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// Turns one log event into one line of text. Pure apart from its injected clock.
///
/// Format (no trailing newline; the handler adds it):
///
///     2024-05-01T12:51:30.123Z 4242 INFO vma.session: nxagent started display=100 vm_id=7
///
/// time (UTC, see `LogTimestamp`), pid, level, component (the logger's label), `:`, the
/// message, then the metadata as `key=value` pairs sorted by key. Upstream's Log4perl
/// pattern is `%d %P %p %F %L - %m%n` (`upstream-vma.md §10`); we keep date, pid and level
/// first and Log4perl's level names (`WARN`, `FATAL`), and print the component instead of
/// file and line.
///
/// Escaping guarantees one event is one line: `\` becomes `\\`; newline, CR and tab become
/// `\n`, `\r`, `\t`; other C0 controls and DEL become `\xHH`; C1 controls and the Unicode
/// line/paragraph separators become `\u{HHHH}`. A metadata value that is empty or holds a
/// space or `"` is written in double quotes with `"` escaped as `\"`.
public struct LogLineFormatter: Sendable {
    /// Supplies the time of each line; tests inject a fixed one.
    public var clock: @Sendable () -> LogTimestamp
    /// The pid written on each line; tests inject a fixed one.
    public var processID: Int32

    public init(clock: @escaping @Sendable () -> LogTimestamp = { LogTimestamp.now() }, processID: Int32 = getpid()) {
        self.clock = clock
        self.processID = processID
    }

    /// One line, without the trailing newline.
    public func format(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var line = clock().iso8601UTC
        line += " "
        line += String(processID)
        line += " "
        line += Self.levelName(level)
        line += " "
        line += label.isEmpty ? "-" : Self.escape(label)
        line += ": "
        line += Self.escape(message)
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            line += " "
            line += Self.quoteIfNeeded(Self.escape(key))
            line += "="
            line += Self.quoteIfNeeded(Self.escape(Self.render(value)))
        }
        return line
    }

    /// Log4perl's name for a swift-log level; `notice` (no upstream equivalent) is `NOTICE`.
    public static func levelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace: return "TRACE"
        case .debug: return "DEBUG"
        case .info: return "INFO"
        case .notice: return "NOTICE"
        case .warning: return "WARN"
        case .error: return "ERROR"
        case .critical: return "FATAL"
        }
    }

    /// Escapes everything that could break a line or be mistaken for an escape.
    public static func escape(_ text: String) -> String {
        // Fast path: plain printable ASCII without backslashes is by far the common case.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }) {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x00..<0x20, 0x7F: out += "\\x" + hex(scalar.value, width: 2)
            case 0x80..<0xA0, 0x2028, 0x2029: out += "\\u{" + hex(scalar.value, width: 4) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A metadata value as text before escaping: arrays as `[a,b]`, dictionaries as
    /// `{k=v,...}` sorted by key.
    public static func render(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let convertible): return convertible.description
        case .array(let values): return "[" + values.map(render).joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            return "{" + dictionary.keys.sorted().compactMap { key in
                dictionary[key].map { key + "=" + render($0) }
            }.joined(separator: ",") + "}"
        }
    }

    static func quoteIfNeeded(_ escaped: String) -> String {
        guard escaped.isEmpty || escaped.utf8.contains(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\"") }) else {
            return escaped
        }
        var out = "\""
        for character in escaped.unicodeScalars {
            if character == "\"" { out += "\\\"" } else { out.unicodeScalars.append(character) }
        }
        return out + "\""
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
