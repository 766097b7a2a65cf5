import NIOSSL
import Testing
@testable import QVDL7RStub

/// TLS as real clients need it (spec README "Compatibility hazards"): TLS 1.2 and 1.3
/// accepted, curl's ALPN offer (`h2`, `http/1.1`) declined.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct L7RTLSTests {
    @Test func tls12OnlyClientIsServed() async throws {
        try await StubFixture.with { stub in
            let client = try await RawTestClient(port: stub.server.port, tls: true, group: stub.group, maximumTLSVersion: .tlsv12)
            #expect(try await client.tlsVersion() == .tlsv12)
            try await client.send("GET /qvd/ping HTTP/1.1\r\n\r\n")
            #expect(try await client.readResponse().body == "I am alive!\r\n")
            await client.close()
        }
    }

    @Test func tls13ClientIsServedAndALPNOfferIsDeclined() async throws {
        try await StubFixture.with { stub in
            let client = try await RawTestClient(port: stub.server.port, tls: true, group: stub.group, alpn: ["h2", "http/1.1"])
            #expect(try await client.tlsVersion() == .tlsv13)
            let negotiated = try await client.handshake?.get()
            #expect(negotiated == nil)
            try await client.send("GET /qvd/ping HTTP/1.1\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            await client.close()
        }
    }
}
