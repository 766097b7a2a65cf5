import NIOCore
import Testing
@testable import QVDL7RStub

/// The relay after the 101 under load: 8 MiB through TLS, the stub and the FAKE nxagent echo
/// server and back, written and read at the same time, so the relay's backpressure (reads
/// paused while the other side cannot take more) is exercised. Byte-exact.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct L7RRelayTests {
    @Test func eightMebibytesRoundTripByteExact() async throws {
        try await StubFixture.with { stub in
            let client = try await stub.client()
            try await client.send("GET /qvd/connect_to_vm?id=1 HTTP/1.1\r\nAuthorization: \(stub.basicAlice)\r\nConnection: Upgrade\r\nUpgrade: QVD/1.0\r\n\r\n")
            #expect(try await client.readUntilFinal().last?.status == 101)
            let chunk = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let chunks = 128
            let channel = client.channel
            async let sent: Void = {
                for index in 0..<chunks {
                    var bytes = chunk
                    bytes[0] = UInt8(truncatingIfNeeded: index)
                    try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
                }
            }()
            for index in 0..<chunks {
                var expected = chunk
                expected[0] = UInt8(truncatingIfNeeded: index)
                let received = try await client.readExactly(chunk.count)
                #expect(received == expected)
                if received != expected { break }
            }
            try await sent
            await client.close()
        }
    }
}
