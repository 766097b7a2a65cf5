import QVDAgent
import QVDCore
import Testing

extension VMARPCTests {
    /// `VMARPCServer` against hostile or broken clients: malformed requests, slow clients,
    /// idle connections and a connection flood. Throughout, other clients keep being served.
    @Suite("VMARPCServer under abuse")
    struct VMARPCAbuseTests {
        static let ping = "GET /vma/ping HTTP/1.1\r\n\r\n"
        static let null = rpcTestReply("null\n\r\n")

        enum Outcome: Sendable, Equatable {
            /// This status line, a `text/plain` body of the announced length, then a close.
            case closesAfter(String)
            /// The connection closes without a reply.
            case silentClose
        }

        struct Malformed: Sendable, CustomTestStringConvertible {
            var name: String
            var bytes: [UInt8]
            var outcome: Outcome
            var halfClose = false
            var testDescription: String { name }

            init(_ name: String, _ text: String, _ outcome: Outcome, halfClose: Bool = false) {
                self.init(name, Array(text.utf8), outcome, halfClose: halfClose)
            }

            init(_ name: String, _ bytes: [UInt8], _ outcome: Outcome, halfClose: Bool = false) {
                self.name = name
                self.bytes = bytes
                self.outcome = outcome
                self.halfClose = halfClose
            }
        }

        static let badRequest = Outcome.closesAfter("HTTP/1.1 400 Bad Request")
        static let badVersion = Outcome.closesAfter("HTTP/1.1 505 HTTP Version Not Supported")

        /// Thirty malformed requests and what each gets.
        static let malformed: [Malformed] = {
            var random = RPCTestRandom(seed: 42)
            let garbage = (0..<(1 << 20)).map { _ in random.nextByte() }
            let tlsClientHello: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03]
                + [UInt8](repeating: 0x5A, count: 500) + [0x0A]
            return [
                Malformed("not a request line", "HELLO\r\n\r\n", badRequest),
                Malformed("HTTP/1.0", "GET /vma/ping HTTP/1.0\r\n\r\n", badVersion),
                Malformed("no version", "GET /vma/ping\r\n\r\n", badVersion),
                Malformed("HTTP/2.0", "GET /vma/ping HTTP/2.0\r\n\r\n", badVersion),
                Malformed("blank after version", "GET /vma/ping HTTP/1.1 \r\n\r\n", badVersion),
                Malformed("lower-case version", "GET /vma/ping http/1.1\r\n\r\n", badVersion),
                Malformed("header without colon", "GET /vma/ping HTTP/1.1\r\nNo colon here\r\n\r\n", badRequest),
                Malformed("blank in header name", "GET /vma/ping HTTP/1.1\r\nBad Name: x\r\n\r\n", badRequest),
                Malformed("empty header name", "GET /vma/ping HTTP/1.1\r\n: x\r\n\r\n", badRequest),
                Malformed("continuation first", "GET /vma/ping HTTP/1.1\r\n  more \r\n\r\n", badRequest),
                Malformed("continuation without trailing blank", "GET /vma/ping HTTP/1.1\r\nA: b\r\n  c\r\n\r\n", badRequest),
                Malformed("NUL in request line", "GET /vma/\u{0}ping HTTP/1.1\r\n\r\n", badRequest),
                Malformed("bare CR", "GET /vma/ping\rX HTTP/1.1\r\n\r\n", badRequest),
                Malformed("DEL in header value", "GET /vma/ping HTTP/1.1\r\nA: b\u{7F}c\r\n\r\n", badRequest),
                Malformed("non-ASCII header value", "GET /vma/ping HTTP/1.1\r\nA: caf\u{E9}\r\n\r\n", badRequest),
                Malformed("non-word method", "GE-T /vma/ping HTTP/1.1\r\n\r\n", badRequest),
                Malformed("empty target", "GET  HTTP/1.1\r\n\r\n", badRequest),
                Malformed("Content-Length not a number", "GET /vma/ping HTTP/1.1\r\nContent-Length: abc\r\n\r\n", badRequest),
                Malformed("negative Content-Length", "GET /vma/ping HTTP/1.1\r\nContent-Length: -1\r\n\r\n", badRequest),
                Malformed(
                    "Content-Lengths disagree",
                    "GET /vma/ping HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", badRequest
                ),
                Malformed(
                    "Content-Length of 19 digits",
                    "GET /vma/ping HTTP/1.1\r\nContent-Length: 1234567890123456789\r\n\r\n", badRequest
                ),
                Malformed(
                    "chunked body", "POST /vma/ping HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                    .closesAfter("HTTP/1.1 501 Not Implemented")
                ),
                Malformed(
                    "request line over 8 KiB", "GET /vma/" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\n\r\n",
                    .closesAfter("HTTP/1.1 414 URI Too Long")
                ),
                Malformed(
                    "head over 16 KiB",
                    "GET /vma/ping HTTP/1.1\r\n" + String(repeating: "X-Pad: " + String(repeating: "p", count: 500) + "\r\n", count: 40)
                        + "\r\n",
                    .closesAfter("HTTP/1.1 431 Request Header Fields Too Large")
                ),
                Malformed(
                    "101 header lines", "GET /vma/ping HTTP/1.1\r\n" + String(repeating: "A: b\r\n", count: 101) + "\r\n",
                    .closesAfter("HTTP/1.1 431 Request Header Fields Too Large")
                ),
                Malformed("TLS ClientHello", tlsClientHello, badRequest),
                Malformed(
                    "1 MiB without a line end", [UInt8](repeating: UInt8(ascii: "A"), count: 1 << 20),
                    .closesAfter("HTTP/1.1 414 URI Too Long")
                ),
                Malformed("1 MiB of random bytes", garbage, .closesAfter("")),
                Malformed("only blank lines, then end of input", "\r\n\r\n\r\n\n\n", .silentClose, halfClose: true),
                Malformed("truncated head, then end of input", "GET /vma/ping HTTP/1.1\r\nHost: x\r\n", .silentClose, halfClose: true),
            ]
        }()

        @Test func thereAreThirtyMalformedCases() {
            #expect(Self.malformed.count == 30)
        }

        @Test(arguments: malformed)
        func malformedRequestGetsAnErrorAndTheServerKeepsServing(_ request: Malformed) async throws {
            try await withRPCTestServer { server in
                let bystander = try await server.connect()
                let socket = try await server.connect()
                _ = try await socket.send(request.bytes)
                if request.halfClose { socket.shutdownWrite() }
                let received = try await socket.readUntilClosed(timeout: .seconds(3))
                #expect(received.closed, "the server must close the connection")
                let (responses, rest) = RPCTestResponse.split(received.bytes)
                switch request.outcome {
                case .silentClose:
                    #expect(received.bytes.isEmpty, "got: \(received.text)")
                case .closesAfter(let statusLine):
                    #expect(rest.isEmpty)
                    try #require(responses.count == 1, "got: \(received.text)")
                    let response = responses[0]
                    if statusLine.isEmpty {
                        // Random bytes: some 4xx/5xx framing error, whichever rule they break first.
                        #expect(response.statusLine.hasPrefix("HTTP/1.1 4") || response.statusLine.hasPrefix("HTTP/1.1 5"))
                    } else {
                        #expect(response.statusLine == statusLine)
                    }
                    #expect(response.headerLines == ["Content-Type: text/plain", "Content-Length: \(response.body.count)"])
                    #expect(!response.body.isEmpty)
                }
                // Others are still served, on a kept connection and on a new one.
                try await bystander.send(Self.ping)
                #expect(try await bystander.readResponses(1).text == Self.null)
                let fresh = try await server.connect()
                try await fresh.send(Self.ping)
                #expect(try await fresh.readResponses(1).text == Self.null)
                #expect(await server.service.calls.count == 2)
            }
        }

        // MARK: Slow clients

        @Test func aClientSendingOneBytePer200msHoldsUpNobody() async throws {
            try await withRPCTestServer { server in
                let slow = try await server.connect()
                let request = Array("GET /vma/x_state HTTP/1.1\r\n\r\n".utf8)
                let trickle = Task {
                    for byte in request.prefix(12) {
                        try await slow.send([byte])
                        try await Task.sleep(for: .milliseconds(200))
                    }
                    try await slow.send(Array(request.dropFirst(12)))
                    return try await slow.readResponses(1)
                }
                let kept = try await server.connect()
                var worst = Duration.zero
                var answered = 0
                let end = ContinuousClock.now + .milliseconds(2200)
                while ContinuousClock.now < end {
                    let start = ContinuousClock.now
                    try await kept.send(Self.ping)
                    #expect(try await kept.readResponses(1).text == Self.null)
                    let fresh = try await server.connect()
                    try await fresh.send(Self.ping)
                    #expect(try await fresh.readResponses(1).text == Self.null)
                    worst = max(worst, start.duration(to: .now))
                    answered += 2
                    try await Task.sleep(for: .milliseconds(20))
                }
                // Blocked behind the trickling client, a pair would wait for its whole head
                // (seconds); the bound leaves room for a loaded 2-core CI machine.
                #expect(worst < .seconds(3), "slowest pair of answers took \(worst)")
                #expect(answered >= 20)
                let slowReply = try await trickle.value
                #expect(slowReply.text == rpcTestReply("\"stopped\"\n\r\n"))
            }
        }

        @Test func aTrickledHeadIsCutOffAtTheRequestHeadTimeout() async throws {
            let configuration = RPCTestServer.configuration(requestHeadTimeout: .milliseconds(300))
            try await withRPCTestServer(configuration: configuration) { server in
                let slow = try await server.connect()
                let start = ContinuousClock.now
                var closed = false
                for byte in "GET /vma/ping HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".utf8 {
                    guard try await slow.send([byte]) else { break }
                    let received = try await slow.read(timeout: .milliseconds(50)) { _ in false }
                    if received.closed {
                        #expect(received.bytes.isEmpty)
                        closed = true
                        break
                    }
                }
                #expect(closed)
                let elapsed = start.duration(to: .now)
                #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(4), "closed after \(elapsed)")
                #expect(server.log.lines.contains { $0.contains("request head not complete") })
            }
        }

        @Test func idleConnectionsAreClosedButBusyOnesAreNot() async throws {
            let service = RPCFakeService()
            await service.setAnswer(VMARPCAnswer(.success(.string("starting"))), for: "x_start")
            await service.setDelay(.milliseconds(600), for: "x_start")
            let configuration = RPCTestServer.configuration(idleTimeout: .milliseconds(250))
            try await withRPCTestServer(configuration: configuration, service: service) { server in
                let idle = try await server.connect()
                let busy = try await server.connect()
                let used = try await server.connect()
                try await busy.send("GET /vma/x_start HTTP/1.1\r\n\r\n")
                try await used.send(Self.ping)
                #expect(try await used.readResponses(1).text == Self.null)
                let start = ContinuousClock.now

                let idleEnd = try await idle.readUntilClosed(timeout: .seconds(2))
                #expect(idleEnd.closed && idleEnd.bytes.isEmpty)
                // The call takes longer than the idle timeout; its connection stays.
                let busyReply = try await busy.readResponses(1, timeout: .seconds(2))
                #expect(busyReply.text == rpcTestReply("\"starting\"\n\r\n"))
                #expect(!busyReply.closed)
                #expect(start.duration(to: .now) >= .milliseconds(500))
                // After its reply, the idle timer starts again.
                let busyEnd = try await busy.readUntilClosed(timeout: .seconds(2))
                #expect(busyEnd.closed && busyEnd.bytes.isEmpty)
                let usedEnd = try await used.readUntilClosed(timeout: .seconds(2))
                #expect(usedEnd.closed)
            }
        }

        // MARK: Connection flood

        @Test func aFloodOf300ConnectionsIsCappedAndOthersAreStillServed() async throws {
            let configuration = RPCTestServer.configuration(maxConnections: 256)
            try await withRPCTestServer(configuration: configuration) { server in
                let other = try await server.connect()
                try await other.send(Self.ping)
                #expect(try await other.readResponses(1).text == Self.null)

                var flood: [RPCTestSocket] = []
                for index in 0..<300 {
                    flood.append(try await server.connect())
                    if index % 50 == 49 {
                        // The connection made before the flood is answered throughout.
                        let start = ContinuousClock.now
                        try await other.send(Self.ping)
                        #expect(try await other.readResponses(1).text == Self.null)
                        #expect(start.duration(to: .now) < .seconds(2))
                    }
                }
                try await Task.sleep(for: .milliseconds(200))
                var refused = 0
                var open: [RPCTestSocket] = []
                for socket in flood {
                    if try await socket.isOpenAndQuiet(after: .zero) {
                        open.append(socket)
                    } else {
                        refused += 1
                    }
                }
                // 255 accepted beside `other`; the 45 others were closed at once.
                #expect(refused == 45)
                #expect(open.count == 255)
                #expect(server.log.lines.contains { $0.contains("refusing RPC connection") && $0.contains("the limit is 256") })
                // Fewer lines than refusals: at most one a second.
                #expect(server.log.lines.filter { $0.contains("refusing RPC connection") }.count < 5)

                // Every accepted connection is served.
                for socket in open { try await socket.send(Self.ping) }
                for socket in open {
                    #expect(try await socket.readResponses(1).text == Self.null)
                }

                // Once the flood is gone, new clients are served again.
                flood = []
                open = []
                var served = false
                let deadline = ContinuousClock.now + .seconds(3)
                while !served, ContinuousClock.now < deadline {
                    let fresh = try await server.connect()
                    try await fresh.send(Self.ping)
                    served = try await fresh.readResponses(1, timeout: .milliseconds(200)).text == Self.null
                }
                #expect(served)
            }
        }
    }
}
