/// A parsed (or to-be-written) HTTP/1.1 response head: `HTTP/1.1 <code> <reason>` and
/// headers.
///
/// Shapes upstream sends (`upstream-l7r-protocol.md` §2 and §5, `upstream-vma-observed.md`
/// §3): a `102 Processing` or a `101 Switching Protocols` carries only its one custom header
/// (`X-QVD-VM-Info`, `X-QVD-VMA-Info`, `X-QVD-Slave-Key`, `X-QVD-Share-Ticket`) and no
/// `Content-Length`; a response with a body carries any custom headers, then
/// `Content-Type`, then `Content-Length` (`withBody`).
public struct HTTPResponseHead: Sendable, Hashable, CustomStringConvertible {
    public var status: HTTPStatus
    /// The reason phrase as sent or to be sent; defaults to upstream's for the status.
    public var reason: String
    public var headers: HTTPHeaders

    public init(status: HTTPStatus, reason: String? = nil, headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.reason = reason ?? status.reasonPhrase
        self.headers = headers
    }

    /// A head for a body of `contentLength` bytes, with upstream's header order:
    /// `headers`, then `Content-Type: <contentType>`, then `Content-Length: <n>`
    /// (HTTPD.pm `send_http_response_with_body`).
    public static func withBody(
        status: HTTPStatus,
        contentType: String,
        contentLength: Int,
        headers: HTTPHeaders = HTTPHeaders()
    ) -> HTTPResponseHead {
        var all = headers
        all.add(name: HTTPHeaderName.contentType, value: contentType)
        all.add(name: HTTPHeaderName.contentLength, value: String(contentLength))
        return HTTPResponseHead(status: status, headers: all)
    }

    /// The body length announced by `Content-Length`, or `nil` without one.
    public var contentLength: Int? {
        headers[HTTPHeaderName.contentLength].flatMap(HTTPContentLength.parse)
    }

    /// How many body bytes follow this head on the wire, as upstream's clients read it
    /// (`upstream-l7r-protocol.md` §2: a body is read only when `Content-Length` is
    /// present): none for `1xx`, `204` and `304`; otherwise `Content-Length`, or none.
    public var bodyLength: Int {
        if status.isInformational || status.code == 204 || status.code == 304 { return 0 }
        return contentLength ?? 0
    }

    public var description: String {
        "HTTP/1.1 \(status.code) \(reason)" + (headers.isEmpty ? "" : "\n\(headers)")
    }
}
