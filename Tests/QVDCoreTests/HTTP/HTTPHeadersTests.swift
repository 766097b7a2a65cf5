import Testing

@testable import QVDCore

struct HTTPHeadersTests {
    @Test("lookups ignore case; spelling and order are kept")
    func lookup() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain", "X-QVD-VM-Info": "Starting virtual machine"]
        headers.add(name: "x-qvd-vm-info", value: "second")
        #expect(headers["content-type"] == "text/plain")
        #expect(headers["X-QVD-VM-INFO"] == "Starting virtual machine")
        #expect(headers.values(named: "x-qvd-vm-info") == ["Starting virtual machine", "second"])
        #expect(headers.contains(name: "CONTENT-TYPE"))
        #expect(!headers.contains(name: "Content-Length"))
        #expect(headers.map(\.name) == ["Content-Type", "X-QVD-VM-Info", "x-qvd-vm-info"])
    }

    @Test("exactValue is upstream's case-sensitive lookup (S34: lower-case connection is not Connection)")
    func exactLookup() {
        let headers: HTTPHeaders = ["connection": "Upgrade", "Upgrade": "VNC"]
        #expect(headers.exactValue(named: "Connection") == nil)
        #expect(headers.exactValue(named: "connection") == "Upgrade")
        #expect(headers.exactValue(named: "Upgrade") == "VNC")
        #expect(headers["Connection"] == "Upgrade")
    }

    @Test("replaceOrAdd replaces the first, drops later ones, takes the new spelling")
    func replace() {
        var headers: HTTPHeaders = ["A": "1", "content-length": "5", "B": "2", "Content-Length": "6"]
        headers.replaceOrAdd(name: "Content-Length", value: "7")
        #expect(headers.fields == [.init(name: "A", value: "1"), .init(name: "Content-Length", value: "7"), .init(name: "B", value: "2")])
        headers.replaceOrAdd(name: "C", value: "3")
        #expect(headers.last == .init(name: "C", value: "3"))
        headers.remove(name: "a")
        #expect(headers.map(\.name) == ["Content-Length", "B", "C"])
    }

    @Test("token lists")
    func tokens() {
        let headers: HTTPHeaders = ["Connection": "keep-alive, Upgrade"]
        #expect(headers.containsToken("upgrade", inFieldNamed: "connection"))
        #expect(!headers.containsToken("close", inFieldNamed: "Connection"))
    }

    @Test("status reason phrases are upstream's")
    func statuses() {
        #expect(HTTPStatus.processing.description == "102 Processing")
        #expect(HTTPStatus.switchingProtocols.description == "101 Switching Protocols")
        #expect(HTTPStatus.upgradeRequired.description == "426 Upgrade Required")
        #expect(HTTPStatus.unprocessableEntity.description == "422 Unprocessable Entity")
        #expect(HTTPStatus.requestHeaderFieldsTooLarge.description == "431 Request Header Fields Too Large")
        #expect(HTTPStatus.uriTooLong.description == "414 URI Too Long")
        #expect(HTTPStatus.httpVersionNotSupported.description == "505 HTTP Version Not Supported")
        #expect(HTTPStatus(rawValue: 207).reasonPhrase == "Multi-Status")
        #expect(HTTPStatus(rawValue: 299).reasonPhrase == "Unknown Status")
        #expect([400, 414, 431, 505].allSatisfy { HTTPStatus(rawValue: $0).closesConnectionAfterError })
        #expect(![200, 404, 426, 500, 503].contains { HTTPStatus(rawValue: $0).closesConnectionAfterError })
    }
}
