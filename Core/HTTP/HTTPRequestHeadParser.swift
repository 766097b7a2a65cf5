/// An incremental parser for one HTTP/1.1 request head, as upstream QVD's server reads it.
///
/// A plain value: feed it bytes, it answers `needMoreData`, `complete(head, length:)` or
/// `failed(error)`. No I/O, no allocation beyond the head it builds, never traps on input.
///
/// Give it, on every call, **all** the bytes received since the head began (what you gave
/// last time plus what is new), like a `ByteToMessageDecoder` that leaves its buffer alone
/// until a message is complete; it remembers how far it looked. `complete` says how many of
/// those bytes the head used; the rest belong to the next consumer, so nothing is lost or
/// read twice across an upgrade. After `complete` or `failed`, call `reset()` (or make a
/// new parser) for the next head.
///
/// The request line follows upstream's regex `^(\w+)\s+(.*?)\s*((?:\bHTTP/\d+\.\d+)?)$`
/// (HTTPD.pm `process_request`; `upstream-vma.md` §1.2, `upstream-l7r-protocol.md` §2,
/// `upstream-slave-channel.md` §2.1):
/// - the method is one or more of `A–Z a–z 0–9 _`; lower case is accepted here (routing
///   answers `get` and `HEAD` with 404, `upstream-vma-observed.md` §4.6); an empty method,
///   or no blank after it, is `400`;
/// - the line must end in exactly `HTTP/1.1` (no trailing blank): `HTTP/1.0`, `HTTP/2.0`,
///   a missing version or `HTTP/1.1 ` give `505` (transcript steps S16–S18);
/// - the target is everything between, raw; blanks inside it are kept; an absolute URI is
///   fine (S27). An empty target is `400` (upstream would route it and answer 404);
/// - no `Host` is needed (S28).
///
/// Other rules — line ends, blank lines, continuation lines, limits, forbidden bytes — are
/// in `HTTPHeadReader`. After the head, `Content-Length` must be a plain decimal number
/// (several must agree) and `Transfer-Encoding` is refused (`501`): request bodies are
/// only framed by `Content-Length` (upstream never reads them; we skip them).
public struct HTTPRequestHeadParser: Sendable, Hashable {
    struct RequestLine: Sendable, Hashable {
        var method: String
        var target: String
        var version: String
    }

    public let configuration: HTTPHeadParserConfiguration
    private var reader: HTTPHeadReader<RequestLine>

    public init(configuration: HTTPHeadParserConfiguration = .requests) {
        self.configuration = configuration
        self.reader = HTTPHeadReader(configuration: configuration, side: .request)
    }

    /// Forgets the current head, to parse the next one.
    public mutating func reset() {
        reader = HTTPHeadReader(configuration: configuration, side: .request)
    }

    /// Parses `bytes`: all bytes since the head began.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) -> HTTPHeadParseResult<HTTPRequestHead> {
        let configuration = self.configuration
        let outcome = reader.read(bytes) { line, number in
            Self.parseRequestLine(line, lineNumber: number, configuration: configuration)
        }
        switch outcome {
        case .needMoreData:
            return .needMoreData
        case .failed(let error):
            return .failed(error)
        case .complete(let requestLine, let headers, let length):
            if let error = Self.checkFraming(headers) {
                return .failed(error)
            }
            let head = HTTPRequestHead(
                method: requestLine.method,
                target: requestLine.target,
                version: requestLine.version,
                headers: headers
            )
            return .complete(head, length: length)
        }
    }

    /// Parses `bytes`: all bytes since the head began.
    public mutating func parse(_ bytes: some Collection<UInt8>) -> HTTPHeadParseResult<HTTPRequestHead> {
        if let result = bytes.withContiguousStorageIfAvailable({ parse(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(bytes).withUnsafeBytes { parse($0) }
    }

    /// Parses one complete message in `bytes` from scratch.
    public static func parse(
        _ bytes: some Collection<UInt8>,
        configuration: HTTPHeadParserConfiguration = .requests
    ) -> HTTPHeadParseResult<HTTPRequestHead> {
        var parser = HTTPRequestHeadParser(configuration: configuration)
        return parser.parse(bytes)
    }

    // MARK: Request line

    static func parseRequestLine(
        _ line: Slice<UnsafeRawBufferPointer>,
        lineNumber: Int,
        configuration: HTTPHeadParserConfiguration
    ) -> Result<RequestLine, HTTPHeadError> {
        func failure(_ kind: HTTPHeadError.Kind, _ status: HTTPStatus) -> Result<RequestLine, HTTPHeadError> {
            .failure(
                HTTPHeadError(kind: kind, status: status, line: lineNumber, excerpt: HTTPHeadError.escape(line.prefix(100)))
            )
        }
        typealias Reader = HTTPHeadReader<RequestLine>
        let start = line.startIndex
        let end = line.endIndex
        var index = start
        while index < end, Reader.isWordByte(line[index]) { index += 1 }
        let methodEnd = index
        guard methodEnd > start, index < end, Reader.isBlank(line[index]) else {
            return failure(.malformedRequestLine, .badRequest)
        }
        while index < end, Reader.isBlank(line[index]) { index += 1 }
        let restStart = index

        // `\bHTTP/\d+\.\d+$` at the end of the rest of the line.
        var targetEnd = end
        var version = ""
        var cursor = end
        while cursor > restStart, Reader.isDigit(line[cursor - 1]) { cursor -= 1 }
        if cursor < end, cursor > restStart, line[cursor - 1] == UInt8(ascii: ".") {
            var major = cursor - 1
            while major > restStart, Reader.isDigit(line[major - 1]) { major -= 1 }
            let prefix = Array("HTTP/".utf8)
            if major < cursor - 1, major - restStart >= prefix.count,
                line[(major - prefix.count)..<major].elementsEqual(prefix)
            {
                let versionStart = major - prefix.count
                if versionStart == restStart || !Reader.isWordByte(line[versionStart - 1]) {
                    version = String(decoding: line[versionStart..<end], as: UTF8.self)
                    targetEnd = versionStart
                }
            }
        }
        guard version == "HTTP/1.1" else {
            return failure(.unsupportedVersion(version), .httpVersionNotSupported)
        }
        while targetEnd > restStart, Reader.isBlank(line[targetEnd - 1]) { targetEnd -= 1 }
        guard targetEnd > restStart else {
            return failure(.malformedRequestLine, .badRequest)
        }
        guard let target = Reader.string(line[restStart..<targetEnd]) else {
            return failure(.invalidUTF8, .badRequest)
        }
        let method = String(decoding: line[start..<methodEnd], as: UTF8.self)
        return .success(RequestLine(method: method, target: target, version: version))
    }

    /// `Content-Length` must be decimal (and agree when repeated); `Transfer-Encoding` is
    /// refused.
    static func checkFraming(_ headers: HTTPHeaders) -> HTTPHeadError? {
        if let encoding = headers.values(named: HTTPHeaderName.transferEncoding).first {
            return HTTPHeadError(
                kind: .unsupportedTransferEncoding,
                status: .notImplemented,
                excerpt: HTTPHeadError.escape(Array("Transfer-Encoding: \(encoding)".utf8))
            )
        }
        let lengths = headers.values(named: HTTPHeaderName.contentLength)
        let parsed = lengths.map(HTTPContentLength.parse)
        if let first = parsed.first, parsed.contains(where: { $0 == nil || $0 != first }) {
            return HTTPHeadError(
                kind: .invalidContentLength,
                status: .badRequest,
                excerpt: HTTPHeadError.escape(Array("Content-Length: \(lengths.joined(separator: ", "))".utf8))
            )
        }
        return nil
    }
}
