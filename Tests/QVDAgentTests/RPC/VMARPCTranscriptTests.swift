import QVDAgent
import QVDCore
import Testing

extension VMARPCTests {
    /// Steps S01–S35 and S70–S75 of `transcripts/vma/transcript.norm.txt`, replayed over a
    /// real loopback socket against `VMARPCServer` with a fake service answering like the
    /// upstream VMA with no session. SimpleRPC replies and `vnc_connect` are compared byte for
    /// byte; error replies by status line and headers (`Content-Type: text/plain` and a
    /// `Content-Length` matching the body: the body text is in our words). Whether the
    /// connection stays open is checked by a follow-up ping on it.
    @Suite("VMARPCServer: the recorded upstream transcript")
    struct VMARPCTranscriptTests {
        enum Expected: Sendable {
            /// These exact bytes.
            case exact(String)
            /// An error reply: this status line, `text/plain`, a Content-Length matching the body.
            case error(String)
        }

        struct Step: Sendable, CustomTestStringConvertible {
            var id: String
            /// The request bytes; `{HOST}` becomes `127.0.0.1:<port>`.
            var request: String
            var expected: [Expected]
            var closes: Bool
            var halfClose = false
            /// The calls the service must have seen, in order.
            var calls: [RPCFakeService.Call]? = nil

            var testDescription: String { id }
        }

        static let null = rpcTestReply("null\n\r\n")
        static let stopped = rpcTestReply("\"stopped\"\n\r\n")
        static let notFound = Expected.error("HTTP/1.1 404 Not Found")
        static let badRequest = Expected.error("HTTP/1.1 400 Bad Request")
        static let versionNotSupported = Expected.error("HTTP/1.1 505 HTTP Version Not Supported")
        static let upgradeRequired = Expected.error("HTTP/1.1 426 Upgrade Required")

        static func get(_ target: String, _ extra: String = "") -> String {
            "GET \(target) HTTP/1.1\r\nHost: {HOST}\r\n\(extra)\r\n"
        }

        static let steps: [Step] = [
            Step(id: "S01 ping", request: get("/vma/ping"), expected: [.exact(null)], closes: false,
                 calls: [.init(method: "ping", parameters: [])]),
            Step(id: "S02 x_state-stopped", request: get("/vma/x_state"), expected: [.exact(stopped)], closes: false),
            Step(id: "S03 ping-with-args", request: get("/vma/ping?a=1&b"), expected: [.exact(null)], closes: false,
                 calls: [.init(method: "ping", parameters: [QueryParameter("a", "1"), QueryParameter("b", nil)])]),
            Step(id: "S04 x_suspend-stopped", request: get("/vma/x_suspend"), expected: [.exact(stopped)], closes: false),
            Step(id: "S05 x_stop-stopped", request: get("/vma/x_stop"), expected: [.exact(stopped)], closes: false),
            Step(id: "S06 unknown-method", request: get("/vma/no_such_method"), expected: [notFound], closes: false,
                 calls: [.init(method: "no_such_method", parameters: [])]),
            Step(id: "S07 unknown-path", request: get("/foo"), expected: [notFound], closes: false, calls: []),
            // Deliberate difference: upstream answers 500 with a Perl "bad url" message.
            Step(id: "S08 vma-slash", request: get("/vma/"), expected: [notFound], closes: false, calls: []),
            Step(id: "S09 vma-subpath", request: get("/vma/x_state/extra"), expected: [notFound], closes: false, calls: []),
            Step(id: "S10 last-word-dispatch", request: get("/vma/foo.x_state"), expected: [.exact(stopped)], closes: false,
                 calls: [.init(method: "x_state", parameters: [])]),
            Step(id: "S11 hyphen-dispatch", request: get("/vma/x-state"), expected: [notFound], closes: false,
                 calls: [.init(method: "state", parameters: [])]),
            Step(id: "S12 post", request: "POST /vma/ping HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 0\r\n\r\n",
                 expected: [notFound], closes: false, calls: []),
            // Deliberate fix: the body is read and dropped (upstream: 404, then 400 and a close).
            Step(id: "S13 post-with-body", request: "POST /vma/ping HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 5\r\n\r\nx=1\r\n",
                 expected: [notFound], closes: false, calls: []),
            Step(id: "S14 head", request: "HEAD /vma/ping HTTP/1.1\r\nHost: {HOST}\r\n\r\n", expected: [notFound], closes: false,
                 calls: []),
            Step(id: "S15 lowercase-method", request: "get /vma/ping HTTP/1.1\r\nHost: {HOST}\r\n\r\n", expected: [notFound],
                 closes: false, calls: []),
            Step(id: "S16 http10", request: "GET /vma/ping HTTP/1.0\r\nHost: {HOST}\r\n\r\n", expected: [versionNotSupported],
                 closes: true, calls: []),
            Step(id: "S17 http09", request: "GET /vma/ping\r\n\r\n", expected: [versionNotSupported], closes: true),
            Step(id: "S18 http2-version", request: "GET /vma/ping HTTP/2.0\r\nHost: {HOST}\r\n\r\n",
                 expected: [versionNotSupported], closes: true),
            Step(id: "S19 malformed-header", request: get("/vma/ping", "This is not a header\r\n"), expected: [badRequest],
                 closes: true, calls: []),
            Step(id: "S20 header-bad-token", request: get("/vma/ping", "Bad Name: x\r\n"), expected: [badRequest], closes: true),
            Step(id: "S21 continuation-first", request: "GET /vma/ping HTTP/1.1\r\n  continued \r\nHost: {HOST}\r\n\r\n",
                 expected: [badRequest], closes: true),
            Step(id: "S22 continuation-ok", request: get("/vma/ping", "X-Long: a\r\n  b \r\n"), expected: [.exact(null)],
                 closes: false),
            Step(id: "S23 continuation-no-trailing-ws", request: get("/vma/ping", "X-Long: a\r\n  b\r\n"),
                 expected: [badRequest], closes: true),
            Step(id: "S24 bad-request-line", request: "HELLO\r\n\r\n", expected: [badRequest], closes: true),
            Step(id: "S25 lf-only", request: "GET /vma/ping HTTP/1.1\nHost: {HOST}\n\n", expected: [.exact(null)], closes: false),
            Step(id: "S26 leading-blank-lines", request: "\r\n\r\n" + get("/vma/x_state"), expected: [.exact(stopped)],
                 closes: false),
            Step(id: "S27 absolute-uri", request: get("http://{HOST}/vma/x_state"), expected: [.exact(stopped)], closes: false,
                 calls: [.init(method: "x_state", parameters: [])]),
            Step(id: "S28 no-host-header", request: "GET /vma/ping HTTP/1.1\r\n\r\n", expected: [.exact(null)], closes: false),
            Step(id: "S29 pipelined", request: get("/vma/ping") + get("/vma/x_state"), expected: [.exact(null), .exact(stopped)],
                 closes: false,
                 calls: [.init(method: "ping", parameters: []), .init(method: "x_state", parameters: [])]),
            Step(id: "S30 pipelined-then-error", request: get("/vma/ping") + "GET /vma/ping HTTP/1.0\r\nHost: {HOST}\r\n\r\n",
                 expected: [.exact(null), versionNotSupported], closes: true,
                 calls: [.init(method: "ping", parameters: [])]),
            Step(id: "S31 half-close", request: get("/vma/x_state"), expected: [.exact(stopped)], closes: true, halfClose: true,
                 calls: [.init(method: "x_state", parameters: [])]),
            Step(id: "S32 query-encoding", request: get("/vma/x_state?a=%zz&b=1+2&flag&&=v&c=%41%42"),
                 expected: [.exact(stopped)], closes: false,
                 calls: [
                     .init(method: "x_state", parameters: [
                         QueryParameter("a", "%zz"), QueryParameter("b", "1 2"), QueryParameter("flag", nil),
                         QueryParameter("", "v"), QueryParameter("c", "AB"),
                     ])
                 ]),
            Step(id: "S33 vnc-no-upgrade", request: get("/vma/vnc_connect"), expected: [upgradeRequired], closes: false,
                 calls: []),
            Step(id: "S34 vnc-lowercase-headers", request: get("/vma/vnc_connect", "connection: Upgrade\r\nupgrade: VNC\r\n"),
                 expected: [upgradeRequired], closes: false, calls: []),
            Step(id: "S35 vnc-stopped", request: get("/vma/vnc_connect", "Connection: Upgrade\r\nUpgrade: VNC\r\n"),
                 expected: [
                     .exact("HTTP/1.1 102 Processing\r\nX-QVD-VMA-Info: Starting VNC service\r\n\r\n"),
                     .exact(
                         "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 62\r\n\r\n"
                             + "Unable to start VNC service while session is in state stopped\n"
                     ),
                 ],
                 closes: false, calls: []),
        ]

        static let expireFailure =
            "hook /srv/qvd-oracle/hooks/record.sh for action expire on state stopped failed, rc: 1 at <file> line <n>.\n"

        static let lateSteps: [Step] = [
            Step(id: "S70 expire", request: get("/vma/expire"), expected: [.exact(rpcTestReply("1\n\r\n"))], closes: false,
                 calls: [.init(method: "expire", parameters: [])]),
            Step(id: "S71 expire-args",
                 request: get("/vma/expire?vm.expiration.soft=2024-01-01T00%3A00%3A00&vm.expiration.hard=2024-01-02+00%3A00%3A00"),
                 expected: [.exact(rpcTestReply("1\n\r\n"))], closes: false,
                 calls: [
                     .init(method: "expire", parameters: [
                         QueryParameter("vm.expiration.soft", "2024-01-01T00:00:00"),
                         QueryParameter("vm.expiration.hard", "2024-01-02 00:00:00"),
                     ])
                 ]),
            Step(id: "S72 expire-hook-fails", request: get("/vma/expire"),
                 expected: [
                     .exact(rpcTestReply(
                         "\"\",\"hook /srv/qvd-oracle/hooks/record.sh for action expire on state stopped failed, rc: 1 at <file> line <n>.\\n\"\n\r\n"
                     ))
                 ],
                 closes: false),
            // Deliberate fix 3: poweroff answers 1, then shuts down (upstream: a Perl error).
            Step(id: "S73 poweroff", request: get("/vma/poweroff"), expected: [.exact(rpcTestReply("1\n\r\n"))], closes: false),
            Step(id: "S74 poweroff-with-arg", request: get("/vma/poweroff?x=1"), expected: [.exact(rpcTestReply("1\n\r\n"))],
                 closes: false, calls: [.init(method: "poweroff", parameters: [QueryParameter("x", "1")])]),
            Step(id: "S75 ping-after-poweroff", request: get("/vma/ping"), expected: [.exact(null)], closes: false),
        ]

        @Test(arguments: steps)
        func step(_ step: Step) async throws {
            try await Self.replay(step)
        }

        @Test(arguments: lateSteps)
        func lateStep(_ step: Step) async throws {
            let service = RPCFakeService()
            if step.id.hasPrefix("S72") {
                await service.setAnswer(VMARPCAnswer(.failure(message: Self.expireFailure)), for: "expire")
            }
            try await Self.replay(step, service: service)
        }

        static func replay(_ step: Step, service: RPCFakeService = RPCFakeService()) async throws {
            try await withRPCTestServer(service: service) { server in
                let socket = try await server.connect()
                let request = step.request.replacingHostPlaceholder(with: server.hostHeader)
                try await socket.send(request)
                if step.halfClose { socket.shutdownWrite() }

                var received = try await socket.readResponses(step.expected.count)
                if step.closes {
                    let rest = try await socket.readUntilClosed(timeout: .seconds(3))
                    received.bytes += rest.bytes
                    received.closed = rest.closed
                }
                let (responses, rest) = RPCTestResponse.split(received.bytes)
                #expect(rest.isEmpty, "unexpected trailing bytes: \(String(decoding: rest, as: UTF8.self))")
                try #require(responses.count == step.expected.count, "got: \(received.text)")

                var allExact = ""
                var everyResponseExact = true
                for (response, expected) in zip(responses, step.expected) {
                    switch expected {
                    case .exact(let text):
                        allExact += text
                        let wanted = RPCTestResponse.split(Array(text.utf8)).responses
                        #expect(wanted.count == 1)
                        #expect(response == wanted.first)
                    case .error(let statusLine):
                        everyResponseExact = false
                        #expect(response.statusLine == statusLine)
                        #expect(response.headerLines == ["Content-Type: text/plain", "Content-Length: \(response.body.count)"])
                        #expect(!response.body.isEmpty)
                        if statusLine.hasSuffix("404 Not Found") {
                            #expect(response.bodyText == HTTPErrorResponse.defaultMessage(for: .notFound))
                        }
                    }
                }
                if everyResponseExact {
                    #expect(received.text == allExact)
                }

                if step.closes {
                    #expect(received.closed, "the server should have closed the connection")
                } else {
                    #expect(!received.closed, "the server should have kept the connection open")
                    try await socket.send(get("/vma/ping").replacingHostPlaceholder(with: server.hostHeader))
                    let followUp = try await socket.readResponses(1)
                    #expect(followUp.text == null, "follow-up ping on the kept connection")
                }

                if let calls = step.calls {
                    let seen = await service.calls
                    #expect(Array(seen.prefix(calls.count)) == calls)
                    #expect(seen.count == calls.count + (step.closes ? 0 : 1))
                }
            }
        }
    }
}
