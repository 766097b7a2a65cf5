import NIOCore

/// What the application writes through `HTTPClientHeadHandler`.
public enum HTTPClientOutbound: Sendable, Hashable {
    /// A request head, written with CR LF line ends (`HTTPHeadWriter`).
    case head(HTTPRequestHead)
    /// Body bytes, or after a 101 the upgraded protocol's bytes; passed on as they are.
    case body(ByteBuffer)
}
