import NIOCore

/// Writes request and response heads in upstream's shape: a start line and headers, every
/// line ending in CR LF, then an empty line (`upstream-l7r-protocol.md` §2: Qt finds the
/// end of a head only on an exact `\r\n` line, so a server must use CR LF).
///
/// Headers are written exactly as given, in order and with their spelling; the writer adds
/// nothing (no `Date`, `Server` or `Connection`, which upstream never sends either). So a
/// `102`/`101` head built with only its custom header goes out with only that header, and
/// a head for a body should come from `HTTPResponseHead.withBody`, which adds
/// `Content-Type` and `Content-Length`. The head is returned alone so that the caller
/// writes the body as a **separate** write: upstream's C client hangs when a head and its
/// body arrive in one TLS record (spec README, "Compatibility hazards").
///
/// A CR, LF, NUL or other control byte inside a name, value, reason or target would let a
/// value forge extra headers or lines. The writer never emits one: in names, values and
/// reasons each becomes a space; in a request target it is percent-encoded.
public enum HTTPHeadWriter {
    /// The bytes of `head`: `HTTP/1.1 <code> <reason>\r\n`, headers, `\r\n`.
    public static func bytes(of head: HTTPResponseHead) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + head.headers.count * 32)
        out += Array("HTTP/1.1 ".utf8)
        out += Array(String(head.status.code).utf8)
        out.append(UInt8(ascii: " "))
        appendSanitized(head.reason, to: &out)
        out += [0x0D, 0x0A]
        appendHeaders(head.headers, to: &out)
        return out
    }

    /// The bytes of `head`: `<METHOD> <target> HTTP/1.1\r\n`, headers, `\r\n`. The target
    /// is written as given (upstream servers never decode it, so encoding it is the
    /// caller's choice), except that control bytes are percent-encoded. Blanks are kept:
    /// upstream's server accepts them inside a target and never decodes `%20`
    /// (`upstream-slave-channel.md` §2.1), so a share path with a space must go out raw.
    public static func bytes(of head: HTTPRequestHead) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + head.target.utf8.count + head.headers.count * 32)
        appendSanitized(head.method, to: &out)
        out.append(UInt8(ascii: " "))
        for byte in head.target.utf8 {
            if byte < 0x20 || byte == 0x7F {
                out += percentEscaped(byte)
            } else {
                out.append(byte)
            }
        }
        out += Array(" HTTP/1.1\r\n".utf8)
        appendHeaders(head.headers, to: &out)
        return out
    }

    /// Writes the bytes of `head` into `buffer`.
    public static func write(_ head: HTTPResponseHead, into buffer: inout ByteBuffer) {
        buffer.writeBytes(bytes(of: head))
    }

    /// Writes the bytes of `head` into `buffer`.
    public static func write(_ head: HTTPRequestHead, into buffer: inout ByteBuffer) {
        buffer.writeBytes(bytes(of: head))
    }

    private static func appendHeaders(_ headers: HTTPHeaders, to out: inout [UInt8]) {
        for field in headers {
            appendSanitized(field.name, to: &out)
            out += [UInt8(ascii: ":"), UInt8(ascii: " ")]
            appendSanitized(field.value, to: &out)
            out += [0x0D, 0x0A]
        }
        out += [0x0D, 0x0A]
    }

    private static func percentEscaped(_ byte: UInt8) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        return [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
    }

    private static func appendSanitized(_ text: String, to out: inout [UInt8]) {
        for byte in text.utf8 {
            out.append(byte < 0x20 && byte != 0x09 || byte == 0x7F ? UInt8(ascii: " ") : byte)
        }
    }
}
