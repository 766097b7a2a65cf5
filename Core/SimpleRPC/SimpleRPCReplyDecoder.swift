/// Decodes a JSON-simplerpc reply body the way upstream's clients do (RPCClient.pm 69-71,
/// Agent.pm 445-466; `upstream-vma.md §1.4`): wrap the body in `[` `]`, parse it as a
/// JSON array; one element means success with that value, two or more mean failure with
/// element 1 as the message. The trailing `\n\r\n` of real replies is just whitespace
/// inside the wrapped array.
///
/// A non-string element 1 (upstream never sends one) becomes its compact JSON text,
/// `null` becomes the empty string.
public enum SimpleRPCReplyDecoder {
    public static func decode(body: some Collection<UInt8>) throws(SimpleRPCDecodingError) -> SimpleRPCReply {
        let bodyBytes = Array(body)
        var wrapped: [UInt8] = [UInt8(ascii: "[")]
        wrapped.reserveCapacity(bodyBytes.count + 2)
        wrapped += bodyBytes
        wrapped.append(UInt8(ascii: "]"))

        let value: SimpleRPCValue
        do {
            value = try SimpleRPCJSONParser.parseDocument(wrapped)
        } catch {
            // Map the wrapped copy's offsets back onto the body; the closing ']' we added is
            // "the end of the body".
            let offset = min(max(error.offset - 1, 0), bodyBytes.count)
            throw SimpleRPCDecodingError(
                kind: error.kind, offset: offset, bodyLength: bodyBytes.count,
                excerpt: SimpleRPCDecodingError.excerpt(of: bodyBytes, around: offset))
        }
        guard case .array(let elements) = value, let first = elements.first else {
            throw SimpleRPCDecodingError(
                kind: .emptyBody, offset: 0, bodyLength: bodyBytes.count,
                excerpt: SimpleRPCDecodingError.excerpt(of: bodyBytes, around: 0))
        }
        if elements.count == 1 { return .success(first) }
        switch elements[1] {
        case .string(let message): return .failure(message: message)
        case .null: return .failure(message: "")
        case let other: return .failure(message: SimpleRPCEncoder.compactString(other))
        }
    }
}
