import NIOCore
import Testing

@testable import QVDCore

struct HTTPHeadWriterTests {
    static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    @Test("a SimpleRPC answer head is byte-exact (S01)")
    func simpleRPCHead() {
        let head = HTTPResponseHead.withBody(status: .ok, contentType: "application/json-simplerpc", contentLength: 7)
        #expect(Self.text(HTTPHeadWriter.bytes(of: head)) == "HTTP/1.1 200 OK\r\nContent-Type: application/json-simplerpc\r\nContent-Length: 7\r\n\r\n")
    }

    @Test("102 and 101 carry only their custom header (S35, L7R §5.2–5.3)")
    func interimAndSwitch() {
        let processing = HTTPResponseHead(status: .processing, headers: [HTTPHeaderName.qvdVMAInfo: "Starting VNC service"])
        #expect(Self.text(HTTPHeadWriter.bytes(of: processing)) == "HTTP/1.1 102 Processing\r\nX-QVD-VMA-Info: Starting VNC service\r\n\r\n")
        let switching = HTTPResponseHead(status: .switchingProtocols, headers: [HTTPHeaderName.qvdSlaveKey: "K3y"])
        #expect(Self.text(HTTPHeadWriter.bytes(of: switching)) == "HTTP/1.1 101 Switching Protocols\r\nX-QVD-Slave-Key: K3y\r\n\r\n")
    }

    @Test("an error response: extra headers, then Content-Type, then Content-Length; body apart")
    func errorResponse() {
        let response = HTTPErrorResponse(
            status: .unauthorized,
            headers: [HTTPHeaderName.wwwAuthenticate: "Basic realm=\"QVD\""]
        )
        let body = "401 Unauthorized\n    The request needs valid credentials.\n"
        #expect(Self.text(HTTPHeadWriter.bytes(of: response.head)) == "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"QVD\"\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
        #expect(String(buffer: response.body) == body)
        #expect(!response.closesConnection)
        #expect(response.parts == [.head(response.head), .body(response.body)])

        let custom = HTTPErrorResponse(status: .unprocessableEntity, message: "parameter id is missing")
        #expect(custom.head.headers.fields == [.init(name: "Content-Type", value: "text/plain"), .init(name: "Content-Length", value: "23")])
        #expect(String(buffer: custom.body) == "parameter id is missing")

        let badRequest = HTTPErrorResponse(status: .badRequest)
        #expect(badRequest.closesConnection)
        #expect(HTTPErrorResponse(status: .notFound).closesConnection == false)
        #expect(HTTPErrorResponse(status: .httpVersionNotSupported).closesConnection)
    }

    @Test("a request head uses CR LF and the exact spellings")
    func requestHead() {
        let head = HTTPRequestHead(
            method: "GET",
            target: "/qvd/connect_to_vm?" + QueryString.encode([QueryParameter("id", "1"), QueryParameter("qvd.client.keyboard", "pc105/es")]),
            headers: ["Authorization": "Basic dTpw", "Connection": "Upgrade", "Upgrade": "QVD/1.0"]
        )
        #expect(Self.text(HTTPHeadWriter.bytes(of: head)) == "GET /qvd/connect_to_vm?id=1&qvd.client.keyboard=pc105%2Fes HTTP/1.1\r\nAuthorization: Basic dTpw\r\nConnection: Upgrade\r\nUpgrade: QVD/1.0\r\n\r\n")
    }

    @Test("control bytes cannot forge lines")
    func injection() {
        let response = HTTPResponseHead(status: .processing, headers: ["X-QVD-VM-Info": "a\r\nX-Evil: 1\u{0}"])
        #expect(Self.text(HTTPHeadWriter.bytes(of: response)) == "HTTP/1.1 102 Processing\r\nX-QVD-VM-Info: a  X-Evil: 1 \r\n\r\n")
        let request = HTTPRequestHead(method: "GET", target: "/a b\r\nX: y", headers: ["N\nx": "v"])
        #expect(Self.text(HTTPHeadWriter.bytes(of: request)) == "GET /a b%0D%0AX: y HTTP/1.1\r\nN x: v\r\n\r\n")
    }

    @Test("what the writer writes, the parsers read back")
    func roundTrip() {
        let request = HTTPRequestHead(method: "PUT", target: "/shares//home/alice", headers: ["Authorization": "Basic k", "Connection": "Upgrade", "Upgrade": "qvd:sftp/1.0"])
        let requestBytes = HTTPHeadWriter.bytes(of: request)
        #expect(HTTPRequestHeadParser.parse(requestBytes) == .complete(request, length: requestBytes.count))

        let response = HTTPResponseHead.withBody(status: .serviceUnavailable, contentType: "text/plain", contentLength: 3, headers: ["X-A": "b c"])
        let responseBytes = HTTPHeadWriter.bytes(of: response)
        #expect(HTTPResponseHeadParser.parse(responseBytes) == .complete(response, length: responseBytes.count))
    }

    @Test("the ByteBuffer form equals the array form")
    func byteBuffer() {
        let head = HTTPResponseHead(status: .ok)
        var buffer = ByteBuffer()
        HTTPHeadWriter.write(head, into: &buffer)
        #expect(Array(buffer.readableBytesView) == HTTPHeadWriter.bytes(of: head))
        #expect(Self.text(HTTPHeadWriter.bytes(of: head)) == "HTTP/1.1 200 OK\r\n\r\n")
    }
}
