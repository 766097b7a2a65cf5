import Foundation
import Testing
@testable import QVDL7RStub

/// The stub over real loopback TLS, against a FAKE VMA and a FAKE nxagent echo server.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct L7RServerTests {
    @Test func pingAnswersIAmAlive() async throws {
        try await StubFixture.with { stub in
            let client = try await stub.client()
            try await client.send("GET /qvd/ping HTTP/1.1\n\n")
            let response = try await client.readResponse()
            #expect(response.rawHead == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\n")
            #expect(response.body == "I am alive!\r\n")
            await client.close()
        }
    }

    @Test func loginOkListsTheUsersVMsAsUpstreamJSON() async throws {
        try await StubFixture.with { stub in
            let client = try await stub.client()
            // The Perl client's request: trailing `?`, no Host.
            try await client.send("GET /qvd/list_of_vm? HTTP/1.1\r\nAuthorization: \(stub.basicAlice)\r\nAccept: application/json\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.statusLine == "HTTP/1.1 200 OK")
            #expect(response.headers == ["Content-Type: application/json", "Content-Length: 263"])
            #expect(response.body == """
                [
                   {
                      "id" : 1,
                      "name" : "Desktop-1",
                      "state" : "running",
                      "blocked" : 0,
                      "is_application" : 0
                   },
                   {
                      "id" : 2,
                      "name" : "Desktop-2",
                      "state" : "stopped",
                      "blocked" : 0,
                      "is_application" : 0
                   }
                ]

                """)
            await client.close()
        }
    }

    @Test func wrongPasswordGets401WithChallenge() async throws {
        try await StubFixture.with { stub in
            let client = try await stub.client()
            let wrong = "Basic " + Data("alice:nope".utf8).base64EncodedString()
            try await client.send("GET /qvd/list_of_vm HTTP/1.1\r\nAuthorization: \(wrong)\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.statusLine == "HTTP/1.1 401 Unauthorized")
            #expect(response.headers.first == "WWW-Authenticate: Basic realm=\"QVD\"")
            #expect(response.headers.dropFirst().first == "Content-Type: text/plain")
            #expect(response.body.hasPrefix("401 Unauthorized\n"))
            #expect(response.header("Content-Length") == String(response.body.utf8.count))
            // The connection stays open: a correct request on it is answered.
            try await client.send("GET /qvd/ping HTTP/1.1\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            await client.close()
        }
    }

    @Test func bearerTokenLogsInAndStaysValid() async throws {
        try await StubFixture.with { stub in
            let bearer = "Bearer " + Data(StubFixture.aliceToken.utf8).base64EncodedString()
            for _ in 0..<2 {
                let client = try await stub.client()
                try await client.send("GET /qvd/list_of_vm HTTP/1.1\r\nAuthorization: \(bearer)\r\n\r\n")
                #expect(try await client.readResponse().status == 200)
                await client.close()
            }
        }
    }

    @Test func connectChecksAnswerInUpstreamOrder() async throws {
        try await StubFixture.with { stub in
            let client = try await stub.client()
            let auth = "Authorization: \(stub.basicAlice)\r\n"
            let upgrade = "Connection: Upgrade\r\nUpgrade: QVD/1.0\r\n"
            let cases: [(String, String, String)] = [
                ("GET /qvd/connect_to_vm?id=1 HTTP/1.1\r\n\(auth)Connection: keep-alive, Upgrade\r\nUpgrade: QVD/1.0\r\n\r\n",
                 "HTTP/1.1 426 Upgrade Required", ""),
                ("GET /qvd/connect_to_vm?qvd.client.os=linux HTTP/1.1\r\n\(auth)\(upgrade)\r\n",
                 "HTTP/1.1 422 Unprocessable Entity", "parameter id is missing"),
                ("GET /qvd/connect_to_vm?id=1&foo=1&bar.baz=2 HTTP/1.1\r\n\(auth)\(upgrade)\r\n",
                 "HTTP/1.1 403 Forbidden", "Invalid parameters foo bar.baz"),
                ("GET /qvd/connect_to_vm?id=99 HTTP/1.1\r\n\(auth)\(upgrade)\r\n",
                 "HTTP/1.1 404 Not Found", "The requested virtual machine does not exist"),
                ("GET /qvd/connect_to_vm?id=3 HTTP/1.1\r\n\(auth)\(upgrade)\r\n",
                 "HTTP/1.1 403 Forbidden", "The requested virtual machine is offline for maintenance"),
                ("GET /qvd/connect_to_vm?id=4 HTTP/1.1\r\n\(auth)\(upgrade)\r\n",
                 "HTTP/1.1 503 Service Unavailable",
                 "The requested virtual machine is not available: You are not allowed to access requested virtual machine, retry later."),
                ("GET /qvd/nothing HTTP/1.1\r\n\r\n", "HTTP/1.1 404 Not Found", ""),
                ("POST /qvd/ping HTTP/1.1\r\n\r\n", "HTTP/1.1 404 Not Found", ""),
                ("GET /qvd/stop_vm HTTP/1.1\r\n\(auth)\r\n", "HTTP/1.1 422 Unprocessable Entity", "parameter id is missing"),
                ("GET /qvd/stop_vm?id=4 HTTP/1.1\r\n\(auth)\r\n", "HTTP/1.1 403 Forbidden",
                 "You are not allowed to access requested virtual machine"),
                ("GET /qvd/stop_vm?id=2 HTTP/1.1\r\n\(auth)\r\n", "HTTP/1.1 200 OK", "Machine stopped\r\n"),
                // lower-case header names do not count (upstream matches names exactly)
                ("GET /qvd/connect_to_vm?id=1 HTTP/1.1\r\nauthorization: \(stub.basicAlice.dropFirst(0))\r\n\(upgrade)\r\n",
                 "HTTP/1.1 401 Unauthorized", ""),
            ]
            for (request, statusLine, body) in cases {
                try await client.send(request)
                let response = try await client.readResponse()
                #expect(response.statusLine == statusLine, "\(request)")
                if !body.isEmpty { #expect(response.body == body, "\(request)") }
                #expect(response.header("Content-Length") == String(response.body.utf8.count))
            }
            // HTTP/1.0 gets 505 and the connection closes.
            try await client.send("GET /qvd/ping HTTP/1.0\r\n\r\n")
            #expect(try await client.readResponse().statusLine == "HTTP/1.1 505 HTTP Version Not Supported")
            #expect(try await client.readToEnd() == [])
        }
    }

    @Test func connectRunsXStartAndRelaysBytesBothWays() async throws {
        try await StubFixture.with { stub in
            let client = try await stub.client()
            // The C client's hand-built request: LF-only, no Host.
            try await client.send("GET /qvd/connect_to_vm?id=1&qvd.client.os=linux&qvd.client.geometry=800x600&qvd.client.link=adsl&qvd.client.keyboard=pc105/en&qvd.client.fullscreen=0 HTTP/1.1\nAuthorization: \(stub.basicAlice)\nConnection: Upgrade\nUpgrade: QVD/1.0\n\n")
            let responses = try await client.readUntilFinal()
            #expect(responses.dropLast().map(\.rawHead) == [
                "Session acquired for VM_ID: 1", "Starting X session at VM 1",
                "Waiting for X session to come up on VM 1", "Connecting X session for VM_ID: 1",
                "Connection established",
            ].map { "HTTP/1.1 102 Processing\r\nX-QVD-VM-Info: \($0)\r\n\r\n" })
            let last = try #require(responses.last)
            #expect(last.statusLine == "HTTP/1.1 101 Switching Protocols")
            let key = try #require(last.header("X-QVD-Slave-Key"))
            #expect(last.headers.count == 1)
            #expect(key.count == 64 && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })

            // x_start got the merged parameters: client < VM properties < user name < slave key.
            let start = try #require(stub.vma.calls.first { $0.method == "x_start" })
            #expect(start.parameters.map(\.name) == [
                "qvd.client.os", "qvd.client.link", "qvd.client.keyboard", "qvd.client.fullscreen",
                "qvd.client.geometry", "custom.site", "qvd.vm.user.name", "qvd.slave.key",
            ])
            #expect(start.parameters.first { $0.name == "qvd.client.geometry" }?.value == "1024x768")
            #expect(start.parameters.first { $0.name == "qvd.vm.user.name" }?.value == "alice")
            #expect(start.parameters.first { $0.name == "qvd.slave.key" }?.value == key)
            #expect(stub.vma.calls.filter { $0.method == "x_state" }.count == 3)

            // 64 KiB each way through the relay, byte-exact (the fake nxagent echoes).
            var generator = SystemRandomNumberGenerator()
            let payload = (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try await client.send(bytes: payload)
            let echoed = try await client.readExactly(payload.count)
            #expect(echoed == payload)
            await client.close()
        }
    }

    @Test func secondConnectTakesTheSessionOver() async throws {
        try await StubFixture.with { stub in
            let request = "GET /qvd/connect_to_vm?id=1 HTTP/1.1\r\nAuthorization: \(stub.basicAlice)\r\nConnection: Upgrade\r\nUpgrade: QVD/1.0\r\n\r\n"
            let first = try await stub.client()
            try await first.send(request)
            #expect(try await first.readUntilFinal().last?.status == 101)
            try await first.send("hello")
            #expect(try await first.readExactly(5) == Array("hello".utf8))

            let second = try await stub.client()
            try await second.send(request)
            let responses = try await second.readUntilFinal()
            #expect(responses.first?.header("X-QVD-VM-Info") == "Aborting contending session for VM_ID: 1")
            #expect(responses.last?.status == 101)
            // The first relay ended: its connection is closed.
            #expect(try await first.readToEnd() == [])
            try await second.send("again")
            #expect(try await second.readExactly(5) == Array("again".utf8))
            await second.close()
        }
    }

    @Test func stoppedVMGetsStartTextsAndPlainTCPWorks() async throws {
        try await StubFixture.with(tls: false) { stub in
            let client = try await stub.client()
            try await client.send("GET /qvd/connect_to_vm?id=2 HTTP/1.1\r\nAuthorization: \(stub.basicAlice)\r\nConnection: Upgrade\r\nUpgrade: QVD/1.0\r\n\r\n")
            let texts = try await client.readUntilFinal().compactMap { $0.header("X-QVD-VM-Info") }
            #expect(texts == [
                "Session acquired for VM_ID: 2", "Assigning VM 2 to host", "Starting virtual machine",
                "Waiting for VM to reach state 'running'",
                "Starting X session at VM 2", "Waiting for X session to come up on VM 2",
                "Connecting X session for VM_ID: 2", "Connection established",
            ])
            await client.close()
        }
    }

    @Test func selfSignedCertificateIsMadeOnceAndReused() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("l7r-tls-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try await L7RTLSMaterial.selfSigned(in: directory)
        let second = try await L7RTLSMaterial.selfSigned(in: directory)
        #expect(first.created && !second.created)
        #expect(first.material.fingerprint == second.material.fingerprint)
        #expect(first.material.fingerprint.split(separator: ":").count == 32)
        let mode = try FileManager.default.attributesOfItem(atPath: directory + "/key.pem")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
