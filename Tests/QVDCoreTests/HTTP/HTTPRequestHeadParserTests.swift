import Testing

@testable import QVDCore

struct HTTPRequestHeadParserTests {
    typealias Support = HTTPTestSupport

    @Test("a CRLF head parses to exact fields")
    func crlfHead() throws {
        let text = "GET /vma/x_start?qvd.client.link=lan&custom.flag HTTP/1.1\r\nHost: 10.0.0.1:3030\r\nConnection: Upgrade\r\nUpgrade: VNC\r\n\r\n"
        let result = Support.parseRequest(text)
        guard case .complete(let head, let length) = result else {
            Issue.record("got \(result)")
            return
        }
        #expect(length == text.utf8.count)
        #expect(head.method == "GET")
        #expect(head.target == "/vma/x_start?qvd.client.link=lan&custom.flag")
        #expect(head.rawPath == "/vma/x_start")
        #expect(head.query == "qvd.client.link=lan&custom.flag")
        #expect(head.queryParameters == [QueryParameter("qvd.client.link", "lan"), QueryParameter("custom.flag", nil)])
        #expect(head.version == "HTTP/1.1")
        #expect(head.headers.fields == [
            .init(name: "Host", value: "10.0.0.1:3030"),
            .init(name: "Connection", value: "Upgrade"),
            .init(name: "Upgrade", value: "VNC"),
        ])
    }

    @Test("LF-only and CRLF heads give equal heads; lengths count the bytes sent")
    func lfAndCrlf() {
        let lf = "GET /qvd/connect_to_vm?id=1 HTTP/1.1\nAuthorization: Basic dTpw\nConnection: Upgrade\nUpgrade: QVD/1.0\n\n"
        let crlf = Array(lf.utf8).flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
        guard case .complete(let a, let lengthA) = Support.parseRequest(lf),
            case .complete(let b, let lengthB) = HTTPRequestHeadParser.parse(crlf)
        else {
            Issue.record("both must parse")
            return
        }
        #expect(a == b)
        #expect(lengthA == lf.utf8.count)
        #expect(lengthB == crlf.count)
        #expect(a.headers.exactValue(named: "Authorization") == "Basic dTpw")
    }

    @Test("mixed line ends, leading blank lines, tabs and blanks around values")
    func lenientShapes() throws {
        let text = "\n\r\n \t\r\nGET\t /vma/ping \t HTTP/1.1\nX-A:\tone \t\r\nX-B :two\n\r\n"
        guard case .complete(let head, let length) = Support.parseRequest(text) else {
            Issue.record("must parse")
            return
        }
        #expect(length == text.utf8.count)
        #expect(head.method == "GET")
        #expect(head.target == "/vma/ping")
        #expect(head.headers.fields == [.init(name: "X-A", value: "one"), .init(name: "X-B", value: "two")])
    }

    @Test("continuation lines are joined with one space (S22)")
    func continuation() {
        let text = "GET /vma/ping HTTP/1.1\r\nX-Long: a\r\n  b \r\n\tc\t\r\n  \r\nX-Next: n\r\n\r\n"
        guard case .complete(let head, _) = Support.parseRequest(text) else {
            Issue.record("must parse")
            return
        }
        #expect(head.headers["x-long"] == "a b c ")
        #expect(head.headers["X-Next"] == "n")
    }

    @Test("absolute URI routes by its path; the raw target is kept (S27)")
    func absoluteURI() {
        guard case .complete(let head, _) = Support.parseRequest("GET http://127.0.0.1:3030/vma/x_state?x=1#frag HTTP/1.1\r\n\r\n") else {
            Issue.record("must parse")
            return
        }
        #expect(head.target == "http://127.0.0.1:3030/vma/x_state?x=1#frag")
        #expect(head.rawPath == "/vma/x_state")
        #expect(head.query == "x=1")
    }

    @Test("raw and decoded paths")
    func paths() {
        let head = HTTPRequestHead(method: "PUT", target: "/shares//home/al%69ce+x%zz/a%2Fb?q")
        #expect(head.rawPath == "/shares//home/al%69ce+x%zz/a%2Fb")
        #expect(head.decodedPath == "/shares//home/alice+x%zz/a/b")
        #expect(HTTPRequestHead(method: "GET", target: "/x%FF").decodedPath == "/x\u{FFFD}")
        #expect(HTTPRequestHead(method: "GET", target: "/vma/ping").query == nil)
        #expect(HTTPRequestHead(method: "GET", target: "/vma/ping?").query == "")
        #expect(HTTPRequestHead(method: "GET", target: "/a b").rawPath == "/a b")
    }

    @Test("UTF-8 in the target and values is accepted when configured; invalid UTF-8 still refused")
    func utf8Policy() {
        let configuration = HTTPHeadParserConfiguration(nonASCII: .acceptUTF8)
        let good = Array("PUT /shares//home/josé HTTP/1.1\r\nX-Name: Zoë\r\n\r\n".utf8)
        guard case .complete(let head, _) = HTTPRequestHeadParser.parse(good, configuration: configuration) else {
            Issue.record("must parse")
            return
        }
        #expect(head.rawPath == "/shares//home/josé")
        #expect(head.headers["X-Name"] == "Zoë")

        let latin1 = Array("PUT /caf".utf8) + [0xE9] + Array(" HTTP/1.1\r\n\r\n".utf8)
        guard case .failed(let error) = HTTPRequestHeadParser.parse(latin1, configuration: configuration) else {
            Issue.record("must fail")
            return
        }
        #expect(error.kind == .invalidUTF8)
        #expect(error.status == .badRequest)

        let nonASCIIName = Array("GET / HTTP/1.1\r\nÑ: x\r\n\r\n".utf8)
        guard case .failed(let nameError) = HTTPRequestHeadParser.parse(nonASCIIName, configuration: configuration) else {
            Issue.record("must fail")
            return
        }
        #expect(nameError.kind == .malformedHeaderLine)
    }

    @Test("an incomplete head needs more data, at every prefix")
    func incomplete() {
        let text = Array("GET /vma/ping HTTP/1.1\r\nHost: h\r\n".utf8)
        for end in 0...text.count {
            #expect(HTTPRequestHeadParser.parse(text[0..<end]) == .needMoreData)
        }
    }

    @Test("pipelined heads: the length splits them exactly (S29)")
    func pipelined() {
        let first = "GET /vma/ping HTTP/1.1\r\nHost: h\r\n\r\n"
        let second = "GET /vma/x_state HTTP/1.1\r\nHost: h\r\n\r\n"
        let all = Support.bytes(first + second + "GET /partial")
        var parser = HTTPRequestHeadParser()
        guard case .complete(let a, let lengthA) = parser.parse(all) else {
            Issue.record("first must parse")
            return
        }
        #expect(a.target == "/vma/ping")
        #expect(lengthA == first.utf8.count)
        parser.reset()
        guard case .complete(let b, let lengthB) = parser.parse(all[lengthA...]) else {
            Issue.record("second must parse")
            return
        }
        #expect(b.target == "/vma/x_state")
        #expect(lengthB == second.utf8.count)
        parser.reset()
        #expect(parser.parse(all[(lengthA + lengthB)...]) == .needMoreData)
    }

    @Test("a finished parser repeats its answer until reset")
    func terminal() {
        var parser = HTTPRequestHeadParser()
        let bytes = Support.bytes("HELLO\r\n")
        let first = parser.parse(bytes)
        #expect(parser.parse(bytes) == first)
        parser.reset()
        #expect(parser.parse(Support.bytes("GET / HTTP/1.1\r\n\r\n")) != first)
    }

    @Test("given fewer bytes than before, the parser starts over instead of trapping")
    func shrinkingInput() {
        var parser = HTTPRequestHeadParser()
        #expect(parser.parse(Support.bytes("GET /long/path HTTP/1.1\r\nHo")) == .needMoreData)
        guard case .complete(let head, _) = parser.parse(Support.bytes("GET / HTTP/1.1\r\n\r\n")) else {
            Issue.record("must parse")
            return
        }
        #expect(head.target == "/")
    }

    @Test("limits are configurable")
    func customLimits() {
        let configuration = HTTPHeadParserConfiguration(maxHeadBytes: 64, maxHeaderLines: 2, maxStartLineBytes: 20)
        let tooMany = Support.bytes("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n")
        guard case .failed(let error) = HTTPRequestHeadParser.parse(tooMany, configuration: configuration) else {
            Issue.record("must fail")
            return
        }
        #expect(error.kind == .tooManyHeaderLines(limit: 2))
        #expect(error.status == .requestHeaderFieldsTooLarge)
        #expect(error.line == 4)
        let exact = Support.bytes("GET /123456 HTTP/1.1\r\n\r\n")  // request line of 20 bytes
        guard case .complete = HTTPRequestHeadParser.parse(exact, configuration: configuration) else {
            Issue.record("20-byte request line must pass")
            return
        }
        let over = Support.bytes("GET /1234567 HTTP/1.1\r\n\r\n")
        guard case .failed(let overError) = HTTPRequestHeadParser.parse(over, configuration: configuration) else {
            Issue.record("must fail")
            return
        }
        #expect(overError.kind == .requestLineTooLong(limit: 20))
        #expect(overError.status == .uriTooLong)
    }

    @Test("errors name the line and show it escaped")
    func errorContext() {
        guard case .failed(let error) = Support.parseRequest("GET / HTTP/1.1\r\nHost: h\r\nBad Name: x\u{01}\r\n\r\n") else {
            Issue.record("must fail")
            return
        }
        #expect(error.line == 3)
        #expect(error.excerpt == "Bad Name: x\\x01")
        #expect(error.description == "400 Bad Request: the byte 0x01 may not appear in a head (control characters, and non-ASCII bytes unless UTF-8 is allowed) (line 3: \"Bad Name: x\\x01\")")
    }

    @Test("Content-Length is read; a repeated equal one is fine")
    func contentLength() {
        guard case .complete(let head, _) = Support.parseRequest("POST / HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n") else {
            Issue.record("must parse")
            return
        }
        #expect(head.contentLength == 5)
    }
}
