/// Why an HTTP head could not be read, the status a server answers with, and whether the
/// connection must be closed afterwards.
///
/// Every head error closes the connection: once a head is malformed, nothing after it on
/// the connection can be trusted to start a request. That matches upstream, which closes
/// after `400` and `505` (`upstream-vma-observed.md` §4.6); `414`, `431` and `501` are
/// ours (upstream has no limits and never reads bodies) and close for the same reason.
public struct HTTPHeadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public enum Kind: Sendable, Hashable {
        /// The request line is not `METHOD target HTTP/x.y` (`400`).
        case malformedRequestLine
        /// The request line does not end in exactly `HTTP/1.1`; the associated value is the
        /// version found (empty when there is none) (`505`, `upstream-vma.md` §1.2).
        case unsupportedVersion(String)
        /// The request line is longer than the limit (`414`).
        case requestLineTooLong(limit: Int)
        /// The whole head is longer than the limit (`431`).
        case headTooLarge(limit: Int)
        /// The head has more header lines than the limit (`431`).
        case tooManyHeaderLines(limit: Int)
        /// A header line is neither `Token: value` nor a continuation (`400`).
        case malformedHeaderLine
        /// A continuation line (starting with a blank) before any header (`400`).
        case continuationWithoutHeader
        /// A byte that may not appear in a head: NUL and other control characters, a CR that
        /// does not end a line, or a non-ASCII byte where only ASCII is allowed (`400`).
        case invalidByte(UInt8)
        /// Non-ASCII bytes that are not valid UTF-8 (`400`).
        case invalidUTF8
        /// A `Content-Length` that is not a decimal number, or several that disagree (`400`).
        case invalidContentLength
        /// A `Transfer-Encoding` header: request bodies are only framed by `Content-Length`
        /// (`501`).
        case unsupportedTransferEncoding
        /// A response's status line is not `HTTP/x.y NNN reason` (client side).
        case malformedStatusLine
        /// The connection ended in the middle of a head or of a body (client side).
        case truncatedMessage
    }

    public var kind: Kind
    /// The status a server answers with (`502 Bad Gateway` for errors in a response, which
    /// a client never answers but a proxy would).
    public var status: HTTPStatus
    /// The 1-based line of the head the problem is on (leading blank lines count), or 0.
    public var line: Int
    /// The offending line (or its start), escaped: printable ASCII as is, other bytes as
    /// `\r`, `\n`, `\t` or `\xHH`; at most 80 characters.
    public var excerpt: String
    /// Always `true` for head errors (see the type's documentation).
    public var closesConnection: Bool

    public init(kind: Kind, status: HTTPStatus, line: Int = 0, excerpt: String = "", closesConnection: Bool = true) {
        self.kind = kind
        self.status = status
        self.line = line
        self.excerpt = excerpt
        self.closesConnection = closesConnection
    }

    public var description: String {
        let what: String
        switch kind {
        case .malformedRequestLine:
            what = "the request line is not 'METHOD target HTTP/1.1' (a method of letters, digits or '_', blanks, a target, blanks, the version)"
        case .unsupportedVersion(let version):
            what = version.isEmpty
                ? "the request line has no HTTP version; it must end in exactly 'HTTP/1.1'"
                : "the request line ends in '\(version)'; only exactly 'HTTP/1.1' is supported"
        case .requestLineTooLong(let limit):
            what = "the request line is longer than \(limit) bytes"
        case .headTooLarge(let limit):
            what = "the head is longer than \(limit) bytes"
        case .tooManyHeaderLines(let limit):
            what = "the head has more than \(limit) header lines"
        case .malformedHeaderLine:
            what = "a header line is neither 'Name: value' (name of letters, digits and !#$%&'*+-._) nor a continuation starting and ending with blanks"
        case .continuationWithoutHeader:
            what = "a continuation line (starting with a blank) comes before any header"
        case .invalidByte(let byte):
            what = byte == 0x0D
                ? "a CR (\\r) that does not end a line (lines end in LF or CR LF)"
                : "the byte \(Self.hex(byte)) may not appear in a head (control characters, and non-ASCII bytes unless UTF-8 is allowed)"
        case .invalidUTF8:
            what = "non-ASCII bytes that are not valid UTF-8"
        case .invalidContentLength:
            what = "Content-Length is not a decimal number of at most 18 digits, or several Content-Length headers disagree"
        case .unsupportedTransferEncoding:
            what = "Transfer-Encoding is not supported; send bodies with Content-Length"
        case .malformedStatusLine:
            what = "the status line is not 'HTTP/1.1 NNN reason'"
        case .truncatedMessage:
            what = "the connection ended before the message was complete"
        }
        var text = "\(status.code) \(status.reasonPhrase): \(what)"
        if line > 0 {
            text += " (line \(line)"
            text += excerpt.isEmpty ? ")" : ": \"\(excerpt)\")"
        } else if !excerpt.isEmpty {
            text += " (\"\(excerpt)\")"
        }
        return text
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "0x\(digits[Int(byte >> 4)])\(digits[Int(byte & 0x0F)])"
    }

    /// `bytes` escaped for a message, cut to `limit` characters.
    static func escape(_ bytes: some Sequence<UInt8>, limit: Int = 80) -> String {
        var out = ""
        for byte in bytes {
            if out.count >= limit {
                out += "…"
                break
            }
            switch byte {
            case 0x0D: out += "\\r"
            case 0x0A: out += "\\n"
            case 0x09: out += "\\t"
            case UInt8(ascii: "\\"): out += "\\\\"
            case 0x20...0x7E: out.append(Character(Unicode.Scalar(byte)))
            default:
                let digits = Array("0123456789abcdef")
                out += "\\x\(digits[Int(byte >> 4)])\(digits[Int(byte & 0x0F)])"
            }
        }
        return out
    }
}
