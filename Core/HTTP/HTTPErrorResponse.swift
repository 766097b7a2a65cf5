import NIOCore

/// An error response as upstream's `send_http_error` shapes it, and whether the connection
/// closes after it.
///
/// Shape (HTTPD.pm `send_http_error`, `upstream-l7r-protocol.md` §2; transcript S06–S35):
/// status line with upstream's reason phrase, any extra headers (e.g. `WWW-Authenticate`),
/// `Content-Type: text/plain`, `Content-Length`, then the body: the given message, or a
/// short description of the status. Upstream's default bodies are a long English text per
/// code; ours are our own words (spec README), starting like upstream's with
/// `<code> <reason>` on the first line.
///
/// Closing (`upstream-vma-observed.md` §4.6): after `400`, `505` (and our `413`, `414`,
/// `431`) the connection is closed; after `404`, `426`, `500`, `503` and the rest it stays
/// open for the next request.
public struct HTTPErrorResponse: Sendable, Hashable {
    public var head: HTTPResponseHead
    public var body: ByteBuffer
    public var closesConnection: Bool

    /// - Parameters:
    ///   - message: the body text; `nil` for the status's default description. Give the
    ///     exact text upstream gives where clients show it (e.g. `parameter id is missing`).
    ///   - headers: extra headers, written before `Content-Type` and `Content-Length`.
    ///   - closesConnection: `nil` to follow upstream's rule for `status`.
    public init(
        status: HTTPStatus,
        message: String? = nil,
        headers: HTTPHeaders = HTTPHeaders(),
        closesConnection: Bool? = nil
    ) {
        let text = message ?? Self.defaultMessage(for: status)
        self.body = ByteBuffer(string: text)
        self.head = .withBody(
            status: status,
            contentType: "text/plain",
            contentLength: body.readableBytes,
            headers: headers
        )
        self.closesConnection = closesConnection ?? status.closesConnectionAfterError
    }

    /// The answer to a malformed request head: its status, a body saying what was wrong,
    /// and a close.
    public init(_ error: HTTPHeadError) {
        self.init(status: error.status, message: error.description + "\n", closesConnection: error.closesConnection)
    }

    /// `<code> <reason>` and a sentence in our words, each followed by a newline.
    public static func defaultMessage(for status: HTTPStatus) -> String {
        let first = "\(status.code) \(status.reasonPhrase)\n"
        guard let sentence = descriptions[status.code] else { return first }
        return first + "    " + sentence + "\n"
    }

    /// The two writes: the head, then the body.
    public var parts: [HTTPServerOutbound] {
        [.head(head), .body(body)]
    }

    /// Writes the head and the body through the pipeline of `channel` (which must hold an
    /// `HTTPServerHeadHandler`) as two flushed writes, then closes the channel when
    /// `closesConnection`. The future completes when all of that is done.
    public func send(on channel: any Channel) -> EventLoopFuture<Void> {
        let closes = closesConnection
        let body = body
        return channel.writeAndFlush(HTTPServerOutbound.head(head))
            .flatMap { channel.writeAndFlush(HTTPServerOutbound.body(body)) }
            .flatMap { closes ? channel.close() : channel.eventLoop.makeSucceededVoidFuture() }
    }

    /// Writes the head and then the body with `writer` (an `NIOAsyncChannel`'s outbound
    /// writer, each write flushed). Closing is the caller's job: check `closesConnection`.
    public func send(with writer: NIOAsyncChannelOutboundWriter<HTTPServerOutbound>) async throws {
        try await writer.write(.head(head))
        try await writer.write(.body(body))
    }

    private static let descriptions: [Int: String] = [
        400: "The request could not be read: its syntax is not what this server accepts.",
        401: "The request needs valid credentials.",
        403: "The request is understood but not allowed.",
        404: "Nothing is served at this path with this method.",
        405: "This method is not allowed here.",
        408: "The request did not arrive in time.",
        409: "The request conflicts with the current state of the resource.",
        413: "The request body is larger than this server accepts.",
        414: "The request line is longer than this server accepts.",
        422: "The request is well formed but its parameters cannot be used.",
        426: "This path must be requested with a protocol upgrade (Connection: Upgrade).",
        431: "The request head is larger than this server accepts.",
        500: "The server failed while handling the request.",
        501: "The server does not support what the request needs.",
        502: "The server got an invalid answer from the next hop.",
        503: "The service cannot handle the request right now; try again later.",
        504: "The next hop did not answer in time.",
        505: "Only HTTP/1.1 is supported: the request line must end in exactly HTTP/1.1.",
    ]
}
