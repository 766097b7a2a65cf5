/// A parsed (or to-be-written) HTTP/1.1 request head: `METHOD target HTTP/1.1` and headers.
///
/// The target is kept **raw**, as upstream's server keeps it (`upstream-slave-channel.md`
/// §2.1: never percent-decoded, spaces accepted). Routing in upstream uses the path part of
/// `URI::Split::uri_split` of that raw target, so an absolute URI
/// (`GET http://host:3030/vma/x_state`) routes like `/vma/x_state` (transcript step S27).
public struct HTTPRequestHead: Sendable, Hashable, CustomStringConvertible {
    /// The method as sent. Upstream accepts any run of word characters here and lets routing
    /// answer 404 to `HEAD` or `get` (`upstream-vma-observed.md` §4.6).
    public var method: String
    /// The request target exactly as sent, e.g. `/vma/x_start?a=1&b`.
    public var target: String
    /// Always `HTTP/1.1` for a parsed head (anything else is refused with 505).
    public var version: String
    public var headers: HTTPHeaders

    public init(method: String, target: String, version: String = "HTTP/1.1", headers: HTTPHeaders = HTTPHeaders()) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// The path part of the target, raw (not percent-decoded): what upstream routes on.
    public var rawPath: String {
        let parts = Self.split(target)
        return String(decoding: parts.path, as: UTF8.self)
    }

    /// The path, percent-decoded (`%XX` → byte; malformed escapes kept; `+` kept; invalid
    /// UTF-8 → U+FFFD).
    public var decodedPath: String {
        QueryString.percentDecode(rawPath, plusAsSpace: false)
    }

    /// The raw query (after `?`, before `#`), or `nil` when the target has no `?`.
    public var query: String? {
        Self.split(target).query.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The decoded query parameters, in order (`QueryString.decode`).
    public var queryParameters: [QueryParameter] {
        query.map { QueryString.decode($0) } ?? []
    }

    /// The body length announced by `Content-Length`, or `nil` without one (or when it is
    /// not a plain decimal number, which the parser refuses before a head gets here).
    public var contentLength: Int? {
        headers[HTTPHeaderName.contentLength].flatMap(HTTPContentLength.parse)
    }

    public var description: String {
        "\(method) \(target) \(version)" + (headers.isEmpty ? "" : "\n\(headers)")
    }

    /// `URI::Split::uri_split`:
    /// `^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$`.
    static func split(_ target: String) -> (path: ArraySlice<UInt8>, query: ArraySlice<UInt8>?) {
        let bytes = Array(target.utf8)
        var index = 0
        func isDelimiter(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
        }
        // scheme
        if let colon = bytes.firstIndex(where: { $0 == UInt8(ascii: ":") || isDelimiter($0) }),
            bytes[colon] == UInt8(ascii: ":"), colon > 0
        {
            index = colon + 1
        }
        // authority
        if bytes.count - index >= 2, bytes[index] == UInt8(ascii: "/"), bytes[index + 1] == UInt8(ascii: "/") {
            index += 2
            while index < bytes.count, !isDelimiter(bytes[index]) { index += 1 }
        }
        let pathStart = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "?"), bytes[index] != UInt8(ascii: "#") {
            index += 1
        }
        let path = bytes[pathStart..<index]
        guard index < bytes.count, bytes[index] == UInt8(ascii: "?") else { return (path, nil) }
        let queryStart = index + 1
        let queryEnd = bytes[queryStart...].firstIndex(of: UInt8(ascii: "#")) ?? bytes.count
        return (path, bytes[queryStart..<queryEnd])
    }
}
