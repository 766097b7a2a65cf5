import Testing
@testable import QVDL7RStub

/// Connects that fail after their checks: 503 with upstream's wrapper, after the 102s
/// already sent (`upstream-l7r-protocol.md` §5.4 row 9), with a FAKE VMA.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct L7RConnectFailureTests {
    static func connect(_ id: Int, _ stub: StubFixture) -> String {
        "GET /qvd/connect_to_vm?id=\(id) HTTP/1.1\r\nAuthorization: \(stub.basicAlice)\r\nConnection: Upgrade\r\nUpgrade: QVD/1.0\r\n\r\n"
    }

    @Test func xStateLeavingStartingFailsWith503() async throws {
        try await StubFixture.with(vmaFinalState: "stopped") { stub in
            let client = try await stub.client()
            try await client.send(Self.connect(1, stub))
            let responses = try await client.readUntilFinal()
            #expect(responses.compactMap { $0.header("X-QVD-VM-Info") } == [
                "Session acquired for VM_ID: 1", "Starting X session at VM 1", "Waiting for X session to come up on VM 1",
            ])
            let last = try #require(responses.last)
            #expect(last.statusLine == "HTTP/1.1 503 Service Unavailable")
            #expect(last.body == "The requested virtual machine is not available: Unable to start X session on VM 1, state went to stopped, retry later.")
            // The VM is free again, and the connection still serves requests.
            #expect(await !stub.server.runtime.hasSession(1))
            try await client.send("GET /qvd/ping HTTP/1.1\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            await client.close()
        }
    }

    @Test func unreachableVMAFailsAfterTheRetries() async throws {
        try await StubFixture.with { stub in
            let client = try await stub.client()
            try await client.send(Self.connect(5, stub))
            let last = try #require(try await client.readUntilFinal().last)
            #expect(last.statusLine == "HTTP/1.1 503 Service Unavailable")
            #expect(last.body.hasPrefix("The requested virtual machine is not available: Unable to start X session on VM 5: VMA 127.0.0.1:1 x_start: cannot connect"))
            #expect(last.body.hasSuffix(", retry later."))
            await client.close()
        }
    }

    @Test func nxagentClosingEndsTheClientConnection() async throws {
        try await StubFixture.with { stub in
            let client = try await stub.client()
            try await client.send(Self.connect(1, stub))
            #expect(try await client.readUntilFinal().last?.status == 101)
            try await client.send("BYE")
            #expect(try await client.readToEnd() == [])
            // The session is released (just after the close), so a new connect is not a takeover.
            var waited = 0
            while await stub.server.runtime.hasSession(1), waited < 200 {
                try await Task.sleep(for: .milliseconds(10))
                waited += 1
            }
            #expect(await !stub.server.runtime.hasSession(1))
            let again = try await stub.client()
            try await again.send(Self.connect(1, stub))
            #expect(try await again.readUntilFinal().first?.header("X-QVD-VM-Info") == "Session acquired for VM_ID: 1")
            await again.close()
        }
    }
}
