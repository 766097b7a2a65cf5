import Testing

@testable import QVDCore

struct HTTPResponseHeadParserTests {
    static func parse(_ text: String) -> HTTPHeadParseResult<HTTPResponseHead> {
        HTTPResponseHeadParser.parse(Array(text.utf8))
    }

    @Test("102 with progress text, then 101 with the slave key, in one buffer")
    func interimThenSwitch() {
        let first = "HTTP/1.1 102 Processing\r\nX-QVD-VM-Info: Session acquired for VM_ID: 1\r\n\r\n"
        let second = "HTTP/1.1 101 Switching Protocols\r\nX-QVD-Slave-Key: abc\r\n\r\n"
        let bytes = Array((first + second + "NXPROXY").utf8)
        var parser = HTTPResponseHeadParser()
        guard case .complete(let a, let lengthA) = parser.parse(bytes) else {
            Issue.record("must parse")
            return
        }
        #expect(a == HTTPResponseHead(status: .processing, headers: ["X-QVD-VM-Info": "Session acquired for VM_ID: 1"]))
        #expect(lengthA == first.utf8.count)
        parser.reset()
        guard case .complete(let b, let lengthB) = parser.parse(bytes[lengthA...]) else {
            Issue.record("must parse")
            return
        }
        #expect(b.status == .switchingProtocols)
        #expect(b.reason == "Switching Protocols")
        #expect(b.headers[HTTPHeaderName.qvdSlaveKey] == "abc")
        #expect(lengthB == second.utf8.count)
    }

    @Test("status lines: reason optional, kept as sent; LF ends; leading blank lines")
    func statusLines() {
        #expect(Self.parse("HTTP/1.1 200\n\n") == .complete(HTTPResponseHead(status: .ok, reason: ""), length: 14))
        #expect(Self.parse("\r\nHTTP/1.1  404   Not  Found \r\n\r\n") == .complete(HTTPResponseHead(status: .notFound, reason: "Not  Found"), length: 33))
        guard case .complete(let head, _) = Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n") else {
            Issue.record("must parse")
            return
        }
        #expect(head.bodyLength == 12)
        #expect(HTTPResponseHead(status: .noContent, headers: ["Content-Length": "5"]).bodyLength == 0)
        #expect(HTTPResponseHead(status: .processing, headers: ["Content-Length": "5"]).bodyLength == 0)
        #expect(HTTPResponseHead(status: .ok).bodyLength == 0)
    }

    @Test("malformed responses", arguments: [
        ("HTTP/1.0 200 OK\r\n\r\n", HTTPHeadError.Kind.unsupportedVersion("HTTP/1.0")),
        ("HTTP/2 200\r\n\r\n", .unsupportedVersion("HTTP/2")),
        ("HTTP/1.1 20 OK\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 2000 OK\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 200OK\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1\r\n\r\n", .malformedStatusLine),
        ("HTTP/ 200 OK\r\n\r\n", .malformedStatusLine),
        ("SSH-2.0-OpenSSH\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", .malformedHeaderLine),
        ("HTTP/1.1 200 OK\r\n  cont \r\n\r\n", .continuationWithoutHeader),
        ("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", .unsupportedTransferEncoding),
        ("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", .invalidByte(0x0D)),
    ])
    func malformed(_ text: String, _ kind: HTTPHeadError.Kind) {
        guard case .failed(let error) = Self.parse(text) else {
            Issue.record("\(text.debugDescription) must fail")
            return
        }
        #expect(error.kind == kind)
        #expect(error.status == .badGateway)
    }

    @Test("the real L7R's malformed 404 fails on line 2 (upstream-clients-observed.md §8.2)")
    func realL7RMalformed404() {
        let text = "HTTP/1.1 404 Not Found\r\n403 Forbidden\r\nThe requested virtual machine is offline for maintenance\r\nContent-Type: text/plain\r\nContent-Length: 161\r\n\r\n"
        guard case .failed(let error) = Self.parse(text) else {
            Issue.record("must fail")
            return
        }
        #expect(error.kind == .malformedHeaderLine)
        #expect(error.line == 2)
        #expect(error.excerpt == "403 Forbidden")
    }

    @Test("UTF-8 is accepted in reasons and values by default on the client side")
    func utf8() {
        guard case .complete(let head, _) = Self.parse("HTTP/1.1 200 Très bien\r\nX-QVD-VM-Info: Máquina\r\n\r\n") else {
            Issue.record("must parse")
            return
        }
        #expect(head.reason == "Très bien")
        #expect(head.headers["X-QVD-VM-Info"] == "Máquina")
    }
}
