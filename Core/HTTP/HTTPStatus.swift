/// An HTTP status code, with the reason phrase upstream QVD writes for it.
///
/// Upstream builds its reason phrases from a table in `QVD::HTTP::StatusCodes`
/// (`upstream-l7r-protocol.md` §2, "Server responses"): `102 Processing`,
/// `101 Switching Protocols`, `426 Upgrade Required`, `422 Unprocessable Entity`, … —
/// the table's text with any parenthesised remark such as "(WebDAV)" dropped. Clients
/// match on these (the C client searches for the substring `HTTP/1.1 101`), so the
/// phrases here are upstream's, byte for byte.
///
/// Codes upstream's table lacks get the standard phrase: `431 Request Header Fields Too
/// Large` (which upstream never sends: it has no limits). For `414` upstream's table says
/// `Request-URI Too Long`; upstream never sends it either, and we use today's name
/// `URI Too Long`.
public struct HTTPStatus: RawRepresentable, Hashable, Sendable, Comparable,
    ExpressibleByIntegerLiteral, CustomStringConvertible
{
    /// The three-digit code, e.g. `404`.
    public var rawValue: Int

    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    public init(integerLiteral value: Int) {
        self.rawValue = value
    }

    /// The three-digit code, e.g. `404`.
    public var code: Int { rawValue }

    /// The reason phrase upstream writes after the code, e.g. `Not Found`;
    /// `Unknown Status` for a code no table knows.
    public var reasonPhrase: String {
        Self.reasonPhrases[rawValue] ?? "Unknown Status"
    }

    /// `1xx`: an interim response (`102 Processing`) or the protocol switch (`101`).
    public var isInformational: Bool { (100..<200).contains(rawValue) }

    /// Whether a server must close the connection after answering a request with this
    /// status as an error.
    ///
    /// Observed on the real VMA (`upstream-vma-observed.md` §4.6): `400` and `505` close
    /// the connection; `404`, `426`, `500` and `503` (and `200`) keep it open. `414` and
    /// `431` are ours and close too: like `400`, they mean the request's framing could not
    /// be trusted, so nothing after it on the connection can be read as a request.
    public var closesConnectionAfterError: Bool {
        switch rawValue {
        case 400, 413, 414, 431, 505: true
        default: false
        }
    }

    public var description: String { "\(rawValue) \(reasonPhrase)" }

    public static func < (lhs: HTTPStatus, rhs: HTTPStatus) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    // MARK: Codes the QVD components send or receive

    public static let `continue`: HTTPStatus = 100
    public static let switchingProtocols: HTTPStatus = 101
    public static let processing: HTTPStatus = 102
    public static let ok: HTTPStatus = 200
    public static let noContent: HTTPStatus = 204
    public static let badRequest: HTTPStatus = 400
    public static let unauthorized: HTTPStatus = 401
    public static let forbidden: HTTPStatus = 403
    public static let notFound: HTTPStatus = 404
    public static let methodNotAllowed: HTTPStatus = 405
    public static let requestTimeout: HTTPStatus = 408
    public static let conflict: HTTPStatus = 409
    public static let payloadTooLarge: HTTPStatus = 413
    public static let uriTooLong: HTTPStatus = 414
    public static let unprocessableEntity: HTTPStatus = 422
    public static let upgradeRequired: HTTPStatus = 426
    public static let requestHeaderFieldsTooLarge: HTTPStatus = 431
    public static let internalServerError: HTTPStatus = 500
    public static let notImplemented: HTTPStatus = 501
    public static let badGateway: HTTPStatus = 502
    public static let serviceUnavailable: HTTPStatus = 503
    public static let gatewayTimeout: HTTPStatus = 504
    public static let httpVersionNotSupported: HTTPStatus = 505

    /// Upstream's table (`QVD::HTTP::StatusCodes`, parenthesised remarks dropped), plus 431
    /// and the modern 414 phrase.
    private static let reasonPhrases: [Int: String] = [
        100: "Continue",
        101: "Switching Protocols",
        102: "Processing",
        200: "OK",
        201: "Created",
        202: "Accepted",
        203: "Non-Authoritative Information",
        204: "No Content",
        205: "Reset Content",
        206: "Partial Content",
        207: "Multi-Status",
        300: "Multiple Choices",
        301: "Moved Permanently",
        302: "Found",
        303: "See Other",
        304: "Not Modified",
        305: "Use Proxy",
        306: "Switch Proxy",
        307: "Temporary Redirect",
        400: "Bad Request",
        401: "Unauthorized",
        402: "Payment Required",
        403: "Forbidden",
        404: "Not Found",
        405: "Method Not Allowed",
        406: "Not Acceptable",
        407: "Proxy Authentication Required",
        408: "Request Timeout",
        409: "Conflict",
        410: "Gone",
        411: "Length Required",
        412: "Precondition Failed",
        413: "Request Entity Too Large",
        414: "URI Too Long",
        415: "Unsupported Media Type",
        416: "Requested Range Not Satisfiable",
        417: "Expectation Failed",
        422: "Unprocessable Entity",
        423: "Locked",
        424: "Failed Dependency",
        425: "Unordered Collection",
        426: "Upgrade Required",
        431: "Request Header Fields Too Large",
        449: "Retry With",
        500: "Internal Server Error",
        501: "Not Implemented",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
        505: "HTTP Version Not Supported",
        506: "Variant Also Negotiates",
        507: "Insufficient Storage",
        509: "Bandwidth Limit Exceeded",
        510: "Not Extended",
    ]
}
