import NIOCore

/// What `HTTPServerHeadHandler` hands to the application.
public enum HTTPServerInbound: Sendable, Hashable {
    /// A request head. The next one comes only after a final response head is written.
    case head(HTTPRequestHead)
    /// A malformed head: answer `error.status` (`HTTPErrorResponse(error)`) and close.
    case error(HTTPHeadError)
    /// Bytes of the upgraded protocol, after a 101 (`HTTPUpgradeDelivery.inline`), in order.
    case bytes(ByteBuffer)
}
