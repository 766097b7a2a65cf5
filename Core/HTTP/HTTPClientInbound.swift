import NIOCore

/// What `HTTPClientHeadHandler` hands to the application.
public enum HTTPClientInbound: Sendable, Hashable {
    /// A response head: any number of interim `102`s, then the final one (or a `101`).
    case head(HTTPResponseHead)
    /// A chunk of the final response's body (`Content-Length` bytes in all).
    case body(ByteBuffer)
    /// The final response is complete; another may follow on the same connection.
    case end
    /// Bytes of the upgraded protocol, after a 101 (`HTTPUpgradeDelivery.inline`), in order.
    case bytes(ByteBuffer)
    /// A malformed response, or the connection ended inside one; nothing more is read.
    case error(HTTPHeadError)
}
