import NIOCore

/// What the application writes through `HTTPServerHeadHandler`.
public enum HTTPServerOutbound: Sendable, Hashable {
    /// A response head; the handler writes it and flushes at once, so a body written next
    /// always leaves in a separate write (the C client hazard, spec README).
    case head(HTTPResponseHead)
    /// Body bytes, or after a 101 the upgraded protocol's bytes; passed on as they are.
    case body(ByteBuffer)
}
