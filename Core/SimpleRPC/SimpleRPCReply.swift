/// One JSON-simplerpc reply (`upstream-vma.md §1.4`, `upstream-vma-observed.md §3`):
/// what a `SimpleRPC_*` method returned, or the message it died with.
///
/// On the wire it is always `HTTP/1.1 200 OK` with exactly two headers,
/// `Content-Type: application/json-simplerpc` and `Content-Length`; the HTTP head writer
/// uses `contentType` and `body.count`. Bodies, byte for byte as upstream:
///
/// * success: the pretty JSON (`SimpleRPCEncoder.encodePretty`, ending in `\n`), then
///   `\r\n`: `"starting"\n\r\n` (13 bytes), `null\n\r\n` (7), `1\n\r\n` (4);
/// * failure: `"",` + the JSON-encoded message + `\n` + `\r\n`:
///   `"","Unable to start/resume X session in state listening, try again in a few minutes\n"\n\r\n`
///   (89 bytes; the `\n` inside the string is Perl's `die` newline, see `perlDie(_:)`).
public enum SimpleRPCReply: Sendable, Hashable {
    case success(SimpleRPCValue)
    case failure(message: String)

    /// The reply's `Content-Type`.
    public static let contentType = "application/json-simplerpc"

    /// A failure whose message ends in a newline, like every upstream error: Perl `die`
    /// keeps a trailing newline (or appends "at FILE line N.\n"). Appends one if missing.
    public static func perlDie(_ text: String) -> SimpleRPCReply {
        .failure(message: text.hasSuffix("\n") ? text : text + "\n")
    }

    /// The exact body bytes (`Content-Length` is their count).
    public var body: [UInt8] {
        var bytes: [UInt8]
        switch self {
        case .success(let value):
            bytes = SimpleRPCEncoder.encodePretty(value)
        case .failure(let message):
            bytes = Array("\"\",".utf8)
            bytes += SimpleRPCEncoder.encodePretty(.string(message))
        }
        bytes.append(contentsOf: [0x0D, 0x0A])
        return bytes
    }

    /// Decodes a reply body as upstream's clients do; see `SimpleRPCReplyDecoder`.
    public static func decode(body: some Collection<UInt8>) throws(SimpleRPCDecodingError) -> SimpleRPCReply {
        try SimpleRPCReplyDecoder.decode(body: body)
    }
}
