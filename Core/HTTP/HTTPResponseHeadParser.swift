/// An incremental parser for one HTTP/1.1 response head, as upstream's Perl client reads
/// it (`QVD::HTTPC::read_http_response_head`; `upstream-l7r-protocol.md` §2).
///
/// Same contract as `HTTPRequestHeadParser`: every call gets all bytes since the head
/// began; `complete` tells how many the head used. Rules:
/// - blank lines before the status line are skipped; lines end in LF or CR LF;
/// - the status line is `HTTP/1.1 NNN` optionally followed by blanks and a reason phrase
///   (upstream's `^(HTTP/\S+)\s+(\d+)(?:\s+(\S.*?))?\s*$`, with exactly three digits);
///   another version is refused, as the Perl client does (its code 651);
/// - headers and continuation lines as for requests (`HTTPHeadReader`);
/// - `Content-Length` must be decimal, and `Transfer-Encoding` is refused: no QVD server
///   sends it, and bodies are read by `Content-Length` only.
///
/// Errors carry status `502 Bad Gateway`. The real L7R's malformed 404 for an unknown VM
/// (`upstream-clients-observed.md` §8.2: a bare `403 Forbidden` line among the headers)
/// fails here with `malformedHeaderLine` on line 2, which the client turns into a message.
public struct HTTPResponseHeadParser: Sendable, Hashable {
    struct StatusLine: Sendable, Hashable {
        var status: HTTPStatus
        var reason: String
    }

    public let configuration: HTTPHeadParserConfiguration
    private var reader: HTTPHeadReader<StatusLine>

    public init(configuration: HTTPHeadParserConfiguration = .responses) {
        self.configuration = configuration
        self.reader = HTTPHeadReader(configuration: configuration, side: .response)
    }

    /// Forgets the current head, to parse the next one.
    public mutating func reset() {
        reader = HTTPHeadReader(configuration: configuration, side: .response)
    }

    /// Parses `bytes`: all bytes since the head began.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) -> HTTPHeadParseResult<HTTPResponseHead> {
        let outcome = reader.read(bytes) { line, number in
            Self.parseStatusLine(line, lineNumber: number)
        }
        switch outcome {
        case .needMoreData:
            return .needMoreData
        case .failed(let error):
            return .failed(error)
        case .complete(let statusLine, let headers, let length):
            if var error = HTTPRequestHeadParser.checkFraming(headers) {
                error.status = .badGateway
                return .failed(error)
            }
            return .complete(
                HTTPResponseHead(status: statusLine.status, reason: statusLine.reason, headers: headers),
                length: length
            )
        }
    }

    /// Parses `bytes`: all bytes since the head began.
    public mutating func parse(_ bytes: some Collection<UInt8>) -> HTTPHeadParseResult<HTTPResponseHead> {
        if let result = bytes.withContiguousStorageIfAvailable({ parse(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(bytes).withUnsafeBytes { parse($0) }
    }

    /// Parses one complete message in `bytes` from scratch.
    public static func parse(
        _ bytes: some Collection<UInt8>,
        configuration: HTTPHeadParserConfiguration = .responses
    ) -> HTTPHeadParseResult<HTTPResponseHead> {
        var parser = HTTPResponseHeadParser(configuration: configuration)
        return parser.parse(bytes)
    }

    static func parseStatusLine(_ line: Slice<UnsafeRawBufferPointer>, lineNumber: Int) -> Result<StatusLine, HTTPHeadError> {
        typealias Reader = HTTPHeadReader<StatusLine>
        func failure(_ kind: HTTPHeadError.Kind) -> Result<StatusLine, HTTPHeadError> {
            .failure(
                HTTPHeadError(kind: kind, status: .badGateway, line: lineNumber, excerpt: HTTPHeadError.escape(line.prefix(100)))
            )
        }
        let end = line.endIndex
        var index = line.startIndex
        while index < end, !Reader.isBlank(line[index]) { index += 1 }
        let version = line[line.startIndex..<index]
        guard version.count > 5, version.starts(with: Array("HTTP/".utf8)), index < end else {
            return failure(.malformedStatusLine)
        }
        while index < end, Reader.isBlank(line[index]) { index += 1 }
        let codeStart = index
        while index < end, Reader.isDigit(line[index]) { index += 1 }
        guard index - codeStart == 3, index == end || Reader.isBlank(line[index]) else {
            return failure(.malformedStatusLine)
        }
        let code = line[codeStart..<index].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        while index < end, Reader.isBlank(line[index]) { index += 1 }
        var reasonEnd = end
        while reasonEnd > index, Reader.isBlank(line[reasonEnd - 1]) { reasonEnd -= 1 }
        guard let reason = Reader.string(line[index..<reasonEnd]) else {
            return failure(.invalidUTF8)
        }
        let versionText = String(decoding: version, as: UTF8.self)
        guard versionText == "HTTP/1.1" else {
            return failure(.unsupportedVersion(versionText))
        }
        return .success(StatusLine(status: HTTPStatus(rawValue: code), reason: reason))
    }
}
