import Testing

@testable import QVDCore

/// The table of odd and malformed request heads: each gives an exact status and
/// close-or-keep decision, and never a crash. Statuses for the cases the real VMA was
/// driven through come from transcripts/vma/transcript.norm.txt (step numbers noted).
struct HTTPMalformedRequestHeadTests {
    enum Expectation: Sendable, CustomStringConvertible {
        /// Refused: the status to answer and the kind of error; the connection closes.
        case rejected(HTTPStatus, HTTPHeadError.Kind)
        /// Accepted as a head (routing decides; the connection stays open).
        case accepted

        var description: String {
            switch self {
            case .rejected(let status, let kind): "rejected \(status.code) \(kind)"
            case .accepted: "accepted"
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let expectation: Expectation

        init(_ name: String, _ text: String, _ expectation: Expectation) {
            self.name = name
            self.bytes = Array(text.utf8)
            self.expectation = expectation
        }

        init(_ name: String, bytes: [UInt8], _ expectation: Expectation) {
            self.name = name
            self.bytes = bytes
            self.expectation = expectation
        }

        var testDescription: String { "\(name) → \(expectation)" }
    }

    static let bigValue = String(repeating: "a", count: 20 * 1024)
    static let manyHeaders = (1...101).map { "X-H\($0): v\r\n" }.joined()
    static let wideHeaders = (1...90).map { "X-H\($0): " + String(repeating: "b", count: 190) + "\r\n" }.joined()
    static let longTarget = "/" + String(repeating: "t", count: 9 * 1024)
    static let blankFlood = String(repeating: "\r\n", count: 8193)

    static let cases: [Case] = [
        // Bare CR, NUL and other control bytes (400, close).
        Case("bare CR in request line", "GET /vma/ping\r HTTP/1.1\r\n\r\n", .rejected(400, .invalidByte(0x0D))),
        Case("bare CR in header value", "GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n", .rejected(400, .invalidByte(0x0D))),
        Case("CR CR LF line end", "GET / HTTP/1.1\r\r\n\r\n", .rejected(400, .invalidByte(0x0D))),
        Case("CR-only line ends", "GET / HTTP/1.1\rHost: x\r\r", .rejected(414, .requestLineTooLong(limit: 8192)))
            .padded(to: 9000),
        Case("NUL in target", bytes: Array("GET /vma/".utf8) + [0] + Array("ping HTTP/1.1\r\n\r\n".utf8), .rejected(400, .invalidByte(0))),
        Case("NUL in header name", bytes: Array("GET / HTTP/1.1\r\nX".utf8) + [0] + Array(": y\r\n\r\n".utf8), .rejected(400, .invalidByte(0))),
        Case("NUL in header value", bytes: Array("GET / HTTP/1.1\r\nX: y".utf8) + [0] + Array("\r\n\r\n".utf8), .rejected(400, .invalidByte(0))),
        Case("NUL line before request", bytes: [0, 0x0D, 0x0A] + Array("GET / HTTP/1.1\r\n\r\n".utf8), .rejected(400, .invalidByte(0))),
        Case("DEL in header value", "GET / HTTP/1.1\r\nX: a\u{7F}b\r\n\r\n", .rejected(400, .invalidByte(0x7F))),
        Case("SOH in target", "GET /\u{01} HTTP/1.1\r\n\r\n", .rejected(400, .invalidByte(0x01))),
        Case("form feed separator", "GET\u{0C}/ HTTP/1.1\r\n\r\n", .rejected(400, .invalidByte(0x0C))),
        Case("vertical tab in header", "GET / HTTP/1.1\r\nX:\u{0B}y\r\n\r\n", .rejected(400, .invalidByte(0x0B))),
        Case("ESC in header value", "GET / HTTP/1.1\r\nX: \u{1B}[31m\r\n\r\n", .rejected(400, .invalidByte(0x1B))),

        // Non-ASCII (400 by default).
        Case("UTF-8 in target", "GET /vma/café HTTP/1.1\r\n\r\n", .rejected(400, .invalidByte(0xC3))),
        Case("UTF-8 in header value", "GET / HTTP/1.1\r\nX-Name: José\r\n\r\n", .rejected(400, .invalidByte(0xC3))),
        Case("UTF-8 in header name", "GET / HTTP/1.1\r\nÑame: x\r\n\r\n", .rejected(400, .invalidByte(0xC3))),
        Case("Latin-1 byte in target", bytes: Array("GET /caf".utf8) + [0xE9] + Array(" HTTP/1.1\r\n\r\n".utf8), .rejected(400, .invalidByte(0xE9))),
        Case("UTF-8 in method", "GÉT / HTTP/1.1\r\n\r\n", .rejected(400, .invalidByte(0xC3))),

        // Limits.
        Case("20 KiB header", "GET / HTTP/1.1\r\nX-Big: \(bigValue)\r\n\r\n", .rejected(431, .headTooLarge(limit: 16384))),
        Case("head over 16 KiB in 90 headers", "GET / HTTP/1.1\r\n\(wideHeaders)\r\n", .rejected(431, .headTooLarge(limit: 16384))),
        Case("101 header lines", "GET / HTTP/1.1\r\n\(manyHeaders)\r\n", .rejected(431, .tooManyHeaderLines(limit: 100))),
        Case("9 KiB request line", "GET \(longTarget) HTTP/1.1\r\n\r\n", .rejected(414, .requestLineTooLong(limit: 8192))),
        Case("9 KiB request line, no LF yet", "GET \(longTarget)", .rejected(414, .requestLineTooLong(limit: 8192))),
        Case("16 KiB of blank lines", blankFlood, .rejected(431, .headTooLarge(limit: 16384))),

        // Versions (505, close): transcript S16, S17, S18.
        Case("HTTP/1.0 (S16)", "GET /vma/ping HTTP/1.0\r\nHost: h\r\n\r\n", .rejected(505, .unsupportedVersion("HTTP/1.0"))),
        Case("missing version (S17)", "GET /vma/ping\r\n\r\n", .rejected(505, .unsupportedVersion(""))),
        Case("HTTP/2.0 (S18)", "GET /vma/ping HTTP/2.0\r\nHost: h\r\n\r\n", .rejected(505, .unsupportedVersion("HTTP/2.0"))),
        Case("HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", .rejected(505, .unsupportedVersion("HTTP/0.9"))),
        Case("HTTP/1.10", "GET / HTTP/1.10\r\n\r\n", .rejected(505, .unsupportedVersion("HTTP/1.10"))),
        Case("lower-case http/1.1", "GET / http/1.1\r\n\r\n", .rejected(505, .unsupportedVersion(""))),
        Case("blank after HTTP/1.1", "GET / HTTP/1.1 \r\n\r\n", .rejected(505, .unsupportedVersion(""))),
        Case("method and blank only", "GET \r\n\r\n", .rejected(505, .unsupportedVersion(""))),
        Case("HTTP/1.1 glued to a word", "GET /xHTTP/1.1\r\n\r\n", .rejected(505, .unsupportedVersion(""))),

        // Request line shape (400, close): transcript S24.
        Case("not a request line (S24)", "HELLO\r\n\r\n", .rejected(400, .malformedRequestLine)),
        Case("method alone", "GET\r\n\r\n", .rejected(400, .malformedRequestLine)),
        Case("empty method", " /vma/ping HTTP/1.1\r\n\r\n", .rejected(400, .malformedRequestLine)),
        Case("method with hyphen", "M-SEARCH * HTTP/1.1\r\n\r\n", .rejected(400, .malformedRequestLine)),
        Case("empty target", "GET HTTP/1.1\r\n\r\n", .rejected(400, .malformedRequestLine)),
        Case("request line starts with colon", ": / HTTP/1.1\r\n\r\n", .rejected(400, .malformedRequestLine)),

        // Header lines (400, close): transcript S19, S20, S21, S23.
        Case("header without colon (S19)", "GET /vma/ping HTTP/1.1\r\nHost: h\r\nThis is not a header\r\n\r\n", .rejected(400, .malformedHeaderLine)),
        Case("header name with a space (S20)", "GET /vma/ping HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n", .rejected(400, .malformedHeaderLine)),
        Case("continuation before any header (S21)", "GET /vma/ping HTTP/1.1\r\n  continued \r\nHost: h\r\n\r\n", .rejected(400, .continuationWithoutHeader)),
        Case("obs-fold without trailing blank (S23)", "GET /vma/ping HTTP/1.1\r\nX-Long: a\r\n  b\r\n\r\n", .rejected(400, .malformedHeaderLine)),
        Case("obs-fold, tab, no trailing blank", "GET / HTTP/1.1\r\nX-Long: a\r\n\tb\r\n\r\n", .rejected(400, .malformedHeaderLine)),
        Case("obs-fold of a single space", "GET / HTTP/1.1\r\nX-Long: a\r\n \r\n\r\n", .rejected(400, .malformedHeaderLine)),
        Case("empty header name", "GET / HTTP/1.1\r\n: value\r\n\r\n", .rejected(400, .malformedHeaderLine)),
        Case("header name with slash", "GET / HTTP/1.1\r\nX/Y: z\r\n\r\n", .rejected(400, .malformedHeaderLine)),
        Case("header name with parenthesis", "GET / HTTP/1.1\r\nX(Y): z\r\n\r\n", .rejected(400, .malformedHeaderLine)),
        Case("header name with pipe", "GET / HTTP/1.1\r\nX|Y: z\r\n\r\n", .rejected(400, .malformedHeaderLine)),
        Case("colon alone", "GET / HTTP/1.1\r\n:\r\n\r\n", .rejected(400, .malformedHeaderLine)),
        Case("status line as header (real L7R's 404 shape)", "GET / HTTP/1.1\r\n403 Forbidden\r\n\r\n", .rejected(400, .malformedHeaderLine)),

        // Body framing.
        Case("Content-Length not a number", "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", .rejected(400, .invalidContentLength)),
        Case("negative Content-Length", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", .rejected(400, .invalidContentLength)),
        Case("Content-Length with a plus", "POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n", .rejected(400, .invalidContentLength)),
        Case("19-digit Content-Length", "POST / HTTP/1.1\r\nContent-Length: 9999999999999999999\r\n\r\n", .rejected(400, .invalidContentLength)),
        Case("disagreeing Content-Lengths", "POST / HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 6\r\n\r\n", .rejected(400, .invalidContentLength)),
        Case("Transfer-Encoding", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", .rejected(501, .unsupportedTransferEncoding)),

        // Odd but accepted, like upstream (routing decides; connection kept open).
        Case("lower-case method (S15)", "get /vma/ping HTTP/1.1\r\nHost: h\r\n\r\n", .accepted),
        Case("HEAD (S14)", "HEAD /vma/ping HTTP/1.1\r\nHost: h\r\n\r\n", .accepted),
        Case("absolute URI (S27)", "GET http://127.0.0.1:3030/vma/x_state HTTP/1.1\r\nHost: h\r\n\r\n", .accepted),
        Case("bad percent escapes (S32)", "GET /vma/x_state?a=%zz&b=1+2&flag&&=v&c=%41%42 HTTP/1.1\r\n\r\n", .accepted),
        Case("percent escapes %G1 and trailing %", "GET /vma/x?a=%G1&b=%4&c=% HTTP/1.1\r\n\r\n", .accepted),
        Case("percent-encoded invalid UTF-8", "GET /vma/x?a=%FF%C3 HTTP/1.1\r\n\r\n", .accepted),
        Case("LF-only line ends (S25)", "GET /vma/ping HTTP/1.1\nHost: h\n\n", .accepted),
        Case("leading blank lines (S26)", "\r\n\r\nGET /vma/x_state HTTP/1.1\r\nHost: h\r\n\r\n", .accepted),
        Case("leading blank-only line", "  \t\r\nGET / HTTP/1.1\r\n\r\n", .accepted),
        Case("no headers at all (S28)", "GET /vma/ping HTTP/1.1\r\n\r\n", .accepted),
        Case("obs-fold with trailing blank (S22)", "GET /vma/ping HTTP/1.1\r\nHost: h\r\nX-Long: a\r\n  b \r\n\r\n", .accepted),
        Case("obs-fold of two spaces", "GET / HTTP/1.1\r\nX-Long: a\r\n  \r\n\r\n", .accepted),
        Case("tabs between request-line parts", "GET\t/vma/ping\tHTTP/1.1\r\n\r\n", .accepted),
        Case("blanks inside the target", "GET /a b HTTP/1.1\r\n\r\n", .accepted),
        Case("blank before the colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", .accepted),
        Case("POST with Content-Length (S12)", "POST /vma/ping HTTP/1.1\r\nContent-Length: 0\r\n\r\n", .accepted),
        Case("exactly 100 header lines", "GET / HTTP/1.1\r\n" + (1...100).map { "X-H\($0): v\r\n" }.joined() + "\r\n", .accepted),
        Case("request line of exactly 8 KiB", "GET /" + String(repeating: "t", count: 8192 - 14) + " HTTP/1.1\r\n\r\n", .accepted),
    ]

    @Test("the table has at least 40 refused heads")
    func tableSize() {
        let refused = Self.cases.filter {
            if case .rejected = $0.expectation { return true }
            return false
        }
        #expect(refused.count >= 40)
    }

    @Test("odd and malformed request heads", arguments: cases)
    func malformedHead(_ testCase: Case) throws {
        let result = HTTPRequestHeadParser.parse(testCase.bytes)
        switch testCase.expectation {
        case .rejected(let status, let kind):
            guard case .failed(let error) = result else {
                Issue.record("expected \(status.code) \(kind), got \(result)")
                return
            }
            #expect(error.status == status)
            #expect(error.kind == kind)
            #expect(error.closesConnection)
            #expect(error.status.closesConnectionAfterError == (status != 501))
            #expect(!error.description.isEmpty)
            // The answer a server sends for it carries the same status and closes.
            let response = HTTPErrorResponse(error)
            #expect(response.head.status == status)
            #expect(response.closesConnection)
        case .accepted:
            guard case .complete(let head, let length) = result else {
                Issue.record("expected a head, got \(result)")
                return
            }
            #expect(length == testCase.bytes.count)
            #expect(head.version == "HTTP/1.1")
        }
    }

    @Test("refused heads give the same result byte by byte", arguments: cases)
    func byteByByte(_ testCase: Case) {
        let whole = HTTPRequestHeadParser.parse(testCase.bytes)
        var parser = HTTPRequestHeadParser()
        var result: HTTPHeadParseResult<HTTPRequestHead> = .needMoreData
        for end in 1...testCase.bytes.count {
            result = parser.parse(testCase.bytes[0..<end])
            if case .needMoreData = result { continue }
            break
        }
        #expect(result == whole)
    }
}

extension HTTPMalformedRequestHeadTests.Case {
    /// This case with its bytes padded by `x` up to `count` bytes.
    fileprivate func padded(to count: Int) -> Self {
        let padding = [UInt8](repeating: UInt8(ascii: "x"), count: max(0, count - bytes.count))
        return Self(name, bytes: bytes + padding, expectation)
    }
}
