/// The part of head parsing shared by requests and responses: finding lines, limits,
/// character checks, leading blank lines, header and continuation lines.
///
/// Rules (upstream's `QVD::HTTPD::process_request` and `QVD::HTTPC::read_http_response_head`,
/// `upstream-vma.md` §1.2, `upstream-l7r-protocol.md` §2, `upstream-vma-observed.md` §4.6):
/// - a line ends in LF or CR LF; any other CR is an error (upstream would keep it as data);
/// - lines of only blanks before the start line are skipped;
/// - a header line is `token blanks? ":" blanks? value blanks?` with upstream's token set
///   ``[!#$%&'*+_\-.0-9a-zA-Z]``;
/// - a continuation line must **start and end** with a blank (upstream's regex
///   `^\s+(.*?)\s+$`: `"  b"` is refused, `"  b "` accepted); its text, trimmed, is appended
///   to the previous header's value after one space;
/// - the head ends at the first empty line.
///
/// Incremental contract: every call gets all the bytes since the head began (the same
/// prefix as before plus what is new); `scanned` remembers how far LF was searched, so each
/// byte is looked at once. The errors depend only on byte positions, never on how the
/// bytes were chunked: a limit triggers at the first byte that breaks it.
struct HTTPHeadReader<StartLine: Sendable & Hashable>: Sendable, Hashable {
    enum Side: Sendable, Hashable {
        case request
        case response
    }

    enum Outcome: Sendable, Hashable {
        case needMoreData
        case complete(StartLine, HTTPHeaders, length: Int)
        case failed(HTTPHeadError)
    }

    let configuration: HTTPHeadParserConfiguration
    let side: Side

    private var lineStart = 0
    private var scanned = 0
    private var lineNumber = 0
    private var startLine: StartLine?
    private var headers = HTTPHeaders()
    private var headerLines = 0
    private var terminal: Outcome?

    init(configuration: HTTPHeadParserConfiguration, side: Side) {
        self.configuration = configuration
        self.side = side
    }

    mutating func read(
        _ bytes: UnsafeRawBufferPointer,
        parseStartLine: (Slice<UnsafeRawBufferPointer>, _ line: Int) -> Result<StartLine, HTTPHeadError>
    ) -> Outcome {
        if let terminal { return terminal }
        if bytes.count < scanned {
            // The caller did not keep the bytes it gave before: start over on what we have.
            self = HTTPHeadReader(configuration: configuration, side: side)
        }
        let outcome = readLines(bytes, parseStartLine: parseStartLine)
        if case .needMoreData = outcome {} else { terminal = outcome }
        return outcome
    }

    private mutating func readLines(
        _ bytes: UnsafeRawBufferPointer,
        parseStartLine: (Slice<UnsafeRawBufferPointer>, _ line: Int) -> Result<StartLine, HTTPHeadError>
    ) -> Outcome {
        while true {
            // The first index at which a byte that is not this line's LF breaks a limit.
            let lineLimitEnd = startLine == nil ? lineStart + configuration.maxStartLineBytes + 2 : Int.max
            let headLimitEnd = configuration.maxHeadBytes
            let windowEnd = min(lineLimitEnd, headLimitEnd)
            let searchEnd = min(bytes.count, windowEnd)
            var newline: Int?
            var index = scanned
            while index < searchEnd {
                if bytes[index] == 0x0A {
                    newline = index
                    break
                }
                index += 1
            }
            guard let newline else {
                if bytes.count >= windowEnd {
                    let line = lineNumber + 1
                    // `bytes.count >= windowEnd` here, so the excerpt never depends on chunking.
                    let excerpt = HTTPHeadError.escape(bytes[lineStart..<min(windowEnd, lineStart + 80)])
                    if lineLimitEnd <= headLimitEnd {
                        return .failed(startLineTooLong(line: line, excerpt: excerpt))
                    }
                    return .failed(error(.headTooLarge(limit: configuration.maxHeadBytes), 431, line, excerpt))
                }
                scanned = bytes.count
                return .needMoreData
            }

            lineNumber += 1
            var contentEnd = newline
            if contentEnd > lineStart, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let content = bytes[lineStart..<contentEnd]
            lineStart = newline + 1
            scanned = newline + 1

            if startLine == nil, content.count > configuration.maxStartLineBytes {
                return .failed(startLineTooLong(line: lineNumber, excerpt: HTTPHeadError.escape(content.prefix(80))))
            }
            if let failure = checkBytes(content) {
                return .failed(failure)
            }

            guard startLine != nil else {
                if content.allSatisfy(Self.isBlank) { continue }
                switch parseStartLine(content, lineNumber) {
                case .success(let parsed): startLine = parsed
                case .failure(let failure): return .failed(failure)
                }
                continue
            }

            if content.isEmpty, let startLine {
                return .complete(startLine, headers, length: newline + 1)
            }

            headerLines += 1
            if headerLines > configuration.maxHeaderLines {
                return .failed(
                    error(.tooManyHeaderLines(limit: configuration.maxHeaderLines), 431, lineNumber, escape(content))
                )
            }
            if let failure = readHeaderLine(content) {
                return .failed(failure)
            }
        }
    }

    /// One header or continuation line; `nil` when it was accepted.
    private mutating func readHeaderLine(_ content: Slice<UnsafeRawBufferPointer>) -> HTTPHeadError? {
        guard let first = content.first else { return nil }
        if Self.isBlank(first) {
            // Continuation: upstream's `^\s+(.*?)\s+$`, so at least two bytes, blank at both ends.
            guard content.count >= 2, let last = content.last, Self.isBlank(last) else {
                return error(.malformedHeaderLine, 400, lineNumber, escape(content))
            }
            guard !headers.isEmpty else {
                return error(.continuationWithoutHeader, 400, lineNumber, escape(content))
            }
            guard let text = string(trimmingBlanks(content)) else {
                return error(.invalidUTF8, 400, lineNumber, escape(content))
            }
            headers.appendToLastValue(" " + text)
            return nil
        }
        var index = content.startIndex
        while index < content.endIndex, Self.isTokenByte(content[index]) { index += 1 }
        let nameEnd = index
        while index < content.endIndex, Self.isBlank(content[index]) { index += 1 }
        guard nameEnd > content.startIndex, index < content.endIndex, content[index] == UInt8(ascii: ":") else {
            return error(.malformedHeaderLine, 400, lineNumber, escape(content))
        }
        let name = String(decoding: content[content.startIndex..<nameEnd], as: UTF8.self)
        guard let value = string(trimmingBlanks(content[(index + 1)...])) else {
            return error(.invalidUTF8, 400, lineNumber, escape(content))
        }
        headers.add(name: name, value: value)
        return nil
    }

    /// Control characters (but tab), DEL, a CR inside a line, and non-ASCII unless allowed.
    private func checkBytes(_ content: Slice<UnsafeRawBufferPointer>) -> HTTPHeadError? {
        for byte in content {
            let allowed: Bool
            switch byte {
            case 0x09, 0x20...0x7E: allowed = true
            case 0x80...0xFF: allowed = configuration.nonASCII == .acceptUTF8
            default: allowed = false
            }
            if !allowed {
                return error(.invalidByte(byte), 400, lineNumber, escape(content))
            }
        }
        return nil
    }

    // MARK: Helpers

    private func startLineTooLong(line: Int, excerpt: String) -> HTTPHeadError {
        switch side {
        case .request:
            error(.requestLineTooLong(limit: configuration.maxStartLineBytes), 414, line, excerpt)
        case .response:
            error(.malformedStatusLine, 502, line, excerpt)
        }
    }

    /// An error whose status is `requestStatus` on the server side and `502` on the client side.
    func error(_ kind: HTTPHeadError.Kind, _ requestStatus: HTTPStatus, _ line: Int, _ excerpt: String) -> HTTPHeadError {
        HTTPHeadError(kind: kind, status: side == .request ? requestStatus : .badGateway, line: line, excerpt: excerpt)
    }

    private func escape(_ content: Slice<UnsafeRawBufferPointer>) -> String {
        HTTPHeadError.escape(content.prefix(100))
    }

    private func trimmingBlanks(_ content: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        var start = content.startIndex
        var end = content.endIndex
        while start < end, Self.isBlank(content[start]) { start += 1 }
        while end > start, Self.isBlank(content[end - 1]) { end -= 1 }
        return content[start..<end]
    }

    /// The bytes as a `String`; `nil` when they are not valid UTF-8.
    private func string(_ bytes: Slice<UnsafeRawBufferPointer>) -> String? {
        Self.string(bytes)
    }

    static func string(_ bytes: Slice<UnsafeRawBufferPointer>) -> String? {
        if bytes.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09
    }

    /// Upstream's header-name token set, `[!#$%&'*+_\-.0-9a-zA-Z]` (HTTPD.pm `$token_re`).
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "_"), UInt8(ascii: "-"),
            UInt8(ascii: "."):
            true
        default:
            false
        }
    }

    /// Perl's `\w` on ASCII: letters, digits, `_`.
    static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
