/// Why a JSON-simplerpc body could not be decoded: what was wrong, at which byte of the
/// body, and a short escaped excerpt around that byte so a log line shows the culprit
/// without dumping (or breaking on) the whole body.
public struct SimpleRPCDecodingError: Error, Hashable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// The body holds no value at all (empty or only whitespace).
        case emptyBody
        /// The body ended inside a value.
        case unexpectedEnd(expected: String)
        /// A byte that cannot start or continue what was expected.
        case unexpectedByte(expected: String)
        /// A backslash escape other than `\" \\ \/ \b \f \n \r \t \uXXXX`.
        case invalidEscape
        /// A `\u` surrogate without its partner.
        case unpairedSurrogate
        /// A raw control character (below U+0020) inside a string.
        case controlCharacterInString
        /// String bytes that are not UTF-8.
        case invalidUTF8
        /// A number that does not follow JSON's number grammar.
        case invalidNumber
        /// Arrays/objects nested deeper than the limit (JSON::XS's `max_depth`, 512).
        case nestingTooDeep(limit: Int)
        /// Bytes after the value (the wrapped body closed its array early).
        case trailingData

        var summary: String {
            switch self {
            case .emptyBody: return "the body holds no JSON value"
            case .unexpectedEnd(let expected): return "the body ends where \(expected) was expected"
            case .unexpectedByte(let expected): return "expected \(expected)"
            case .invalidEscape: return "invalid backslash escape in a string"
            case .unpairedSurrogate: return "a \\u surrogate lacks its pair"
            case .controlCharacterInString: return "raw control character inside a string"
            case .invalidUTF8: return "string bytes are not valid UTF-8"
            case .invalidNumber: return "malformed number"
            case .nestingTooDeep(let limit): return "arrays/objects nested deeper than \(limit)"
            case .trailingData: return "unexpected data after the reply"
            }
        }
    }

    public var kind: Kind
    /// Byte offset in the body (the reply's bytes as received, not the `[`-wrapped copy).
    public var offset: Int
    /// The body's length in bytes.
    public var bodyLength: Int
    /// Up to 16 bytes either side of `offset`, escaped to printable ASCII.
    public var excerpt: String

    public init(kind: Kind, offset: Int, bodyLength: Int, excerpt: String) {
        self.kind = kind
        self.offset = offset
        self.bodyLength = bodyLength
        self.excerpt = excerpt
    }

    public var description: String {
        "malformed JSON-simplerpc reply: \(kind.summary) at byte \(offset) of \(bodyLength), near \"\(excerpt)\""
    }

    /// Builds the excerpt around `offset` in `body`.
    static func excerpt(of body: [UInt8], around offset: Int, radius: Int = 16) -> String {
        let start = max(0, min(offset, body.count) - radius)
        let end = min(body.count, offset + radius)
        var text = start > 0 ? "..." : ""
        for byte in body[start..<end] {
            switch byte {
            case UInt8(ascii: "\n"): text += "\\n"
            case UInt8(ascii: "\r"): text += "\\r"
            case UInt8(ascii: "\t"): text += "\\t"
            case UInt8(ascii: "\\"): text += "\\\\"
            case UInt8(ascii: "\""): text += "\\\""
            case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                text += "\\x" + (hex.count < 2 ? "0" : "") + hex
            }
        }
        if end < body.count { text += "..." }
        return text
    }
}
