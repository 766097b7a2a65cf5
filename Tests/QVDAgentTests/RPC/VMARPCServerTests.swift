import Logging
import NIOCore
import NIOPosix
import QVDCore
import Synchronization
import Testing

@testable import QVDAgent

extension VMARPCTests {
    /// `VMARPCServer` over real loopback sockets: keep-alive, pipelining, bodies, concurrency,
    /// `afterReplySent`, shutdown, binding and logging.
    @Suite("VMARPCServer")
    struct VMARPCServerTests {
        static let ping = "GET /vma/ping HTTP/1.1\r\n\r\n"
        static let null = rpcTestReply("null\n\r\n")
        static let stopped = rpcTestReply("\"stopped\"\n\r\n")
        static let notFoundHead =
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: "
            + "\(HTTPErrorResponse.defaultMessage(for: .notFound).utf8.count)\r\n\r\n"
        static let notFound = notFoundHead + HTTPErrorResponse.defaultMessage(for: .notFound)

        // MARK: Keep-alive, pipelining, bodies

        @Test func pipelinedRequestsAreAnsweredInOrderWithBodiesDropped() async throws {
            try await withRPCTestServer { server in
                let socket = try await server.connect()
                try await socket.send(
                    "GET /vma/ping HTTP/1.1\r\n\r\n"
                        + "POST /vma/ping HTTP/1.1\r\nContent-Length: 26\r\n\r\nGET /vma/x_stop HTTP/1.1\r\n\r\n"
                        + "GET /vma/x_state HTTP/1.1\r\n\r\n"
                        + "HEAD /vma/ping HTTP/1.1\r\n\r\n"
                        + "GET /vma/nope HTTP/1.1\r\n\r\n"
                        + "GET /vma/x_state?x=1 HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd"
                        + "GET /vma/ping HTTP/1.1\r\n\r\n"
                )
                let received = try await socket.readResponses(7)
                #expect(received.text == Self.null + Self.notFound + Self.stopped + Self.notFound + Self.notFound + Self.stopped + Self.null)
                #expect(!received.closed)
                let calls = await server.service.calls.map(\.method)
                // The POST's body (which looks like a request) never reached the service.
                #expect(calls == ["ping", "x_state", "nope", "x_state", "ping"])
            }
        }

        @Test func connectionCloseIsHonouredAfterTheReply() async throws {
            try await withRPCTestServer { server in
                let socket = try await server.connect()
                try await socket.send("GET /vma/ping HTTP/1.1\r\nConnection: close\r\n\r\n")
                let received = try await socket.readUntilClosed()
                #expect(received.text == Self.null)
                #expect(received.closed)
            }
        }

        @Test func bodySplitAcrossPacketsIsDropped() async throws {
            try await withRPCTestServer { server in
                let socket = try await server.connect()
                try await socket.send("POST /vma/x_stop HTTP/1.1\r\nContent-Length: 28\r\n\r\nGET /vma/")
                try await Task.sleep(for: .milliseconds(30))
                try await socket.send("x_stop HTTP/1.1")
                try await Task.sleep(for: .milliseconds(30))
                try await socket.send("\r\n\r\n" + Self.ping)
                let received = try await socket.readResponses(2)
                #expect(received.text == Self.notFound + Self.null)
                #expect(await server.service.calls.map(\.method) == ["ping"])
            }
        }

        @Test func repliesOnOneConnectionKeepRequestOrderEvenWhenTheFirstIsSlow() async throws {
            let service = RPCFakeService()
            await service.setAnswer(VMARPCAnswer(.success(.string("starting"))), for: "x_start")
            await service.setDelay(.milliseconds(300), for: "x_start")
            try await withRPCTestServer(service: service) { server in
                let socket = try await server.connect()
                try await socket.send("GET /vma/x_start HTTP/1.1\r\n\r\n" + Self.ping)
                let received = try await socket.readResponses(2)
                #expect(received.text == rpcTestReply("\"starting\"\n\r\n") + Self.null)
            }
        }

        @Test func aSlowCallDoesNotHoldUpOtherConnections() async throws {
            let service = RPCFakeService()
            await service.setAnswer(VMARPCAnswer(.success(.string("starting"))), for: "x_start")
            await service.setDelay(.milliseconds(800), for: "x_start")
            try await withRPCTestServer(service: service) { server in
                let slow = try await server.connect()
                try await slow.send("GET /vma/x_start HTTP/1.1\r\n\r\n")
                try await service.waitForCalls(1)
                for _ in 0..<5 {
                    let start = ContinuousClock.now
                    let other = try await server.connect()
                    try await other.send(Self.ping)
                    let reply = try await other.readResponses(1)
                    #expect(reply.text == Self.null)
                    // The slow x_start never returns by itself: any wait on it would hang.
                    #expect(start.duration(to: .now) < .seconds(2))
                }
                let slowReply = try await slow.readResponses(1)
                #expect(slowReply.text == rpcTestReply("\"starting\"\n\r\n"))
            }
        }

        // MARK: afterReplySent

        @Test func afterReplySentRunsOnceTheClientHasTheReply() async throws {
            let service = RPCFakeService()
            let observed = RPCTestRecorder<Int>()
            try await withRPCTestServer(service: service) { server in
                let socket = try await server.connect()
                let fd = socket.fd
                await service.setAnswer(
                    VMARPCAnswer(.success(.integer(1))) {
                        // What the client's kernel holds unread at this moment.
                        await observed.record(RPCTestSocket.pendingBytes(fd: fd))
                    },
                    for: "poweroff"
                )
                try await socket.send("GET /vma/poweroff HTTP/1.1\r\n\r\n")
                let counts = try await observed.waitForValues(1)
                let expected = rpcTestReply("1\n\r\n")
                #expect(counts == [expected.utf8.count])
                let reply = try await socket.readResponses(1)
                #expect(reply.text == expected)
            }
        }

        @Test func afterReplySentStillRunsWhenTheCallerHasGone() async throws {
            let service = RPCFakeService()
            let observed = RPCTestRecorder<String>()
            await service.setDelay(.milliseconds(200), for: "poweroff")
            await service.setAnswer(
                VMARPCAnswer(.success(.integer(1))) { await observed.record("ran") },
                for: "poweroff"
            )
            try await withRPCTestServer(service: service) { server in
                do {
                    let socket = try await server.connect()
                    try await socket.send("GET /vma/poweroff HTTP/1.1\r\n\r\n")
                    try await Task.sleep(for: .milliseconds(20))
                }  // the socket is closed here, before the reply
                #expect(try await observed.waitForValues(1) == ["ran"])
            }
        }

        // MARK: vnc_connect

        @Test(arguments: ["connected", "suspended"])
        func vncConnectInASpyableStateIsRefusedInThisBuild(state: String) async throws {
            let service = RPCFakeService()
            await service.setState(state)
            try await withRPCTestServer(service: service) { server in
                let socket = try await server.connect()
                try await socket.send("GET /vma/vnc_connect HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: VNC\r\n\r\n")
                let received = try await socket.readResponses(2)
                let body = "VNC is not available in this build\n"
                #expect(
                    received.text == "HTTP/1.1 102 Processing\r\nX-QVD-VMA-Info: Starting VNC service\r\n\r\n"
                        + "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
                        + body
                )
                #expect(try await socket.isOpenAndQuiet())
            }
        }

        // MARK: Write boundaries

        @Test func headAndBodyLeaveInSeparateFlushedWrites() async throws {
            let recorder = RPCTestWriteRecorder()
            let configuration = RPCTestServer.configuration()
            let service = RPCFakeService()
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let connection = VMARPCConnectionHandler(
                            service: service, configuration: configuration, logger: Logger(label: "test"), redactor: .standard
                        )
                        let sync = channel.pipeline.syncOperations
                        try sync.addHandler(RPCTestWriteRecordingHandler(recorder: recorder))
                        try sync.addHandler(VMARPCReadObserver(connection: connection))
                        try sync.addHandler(HTTPServerHeadHandler())
                        try sync.addHandler(connection)
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            do {
                let socket = try await RPCTestSocket.connect(port: channel.localAddress?.port ?? 0)
                try await socket.send("GET /vma/x_state HTTP/1.1\r\n\r\n")
                _ = try await socket.readResponses(1)
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json-simplerpc\r\nContent-Length: 12\r\n\r\n"
                let events = try await recorder.waitForEvents(4)
                #expect(events == [.write(head), .flush, .write("\"stopped\"\n\r\n"), .flush])
            }
            try await channel.close()
        }

        // MARK: Shutdown

        @Test func shutdownFinishesRepliesInProgressAndClosesIdleConnections() async throws {
            let service = RPCFakeService()
            await service.setAnswer(VMARPCAnswer(.success(.string("starting"))), for: "x_start")
            await service.setDelay(.milliseconds(400), for: "x_start")
            let server = try await RPCTestServer.start(service: service)
            let busy = try await server.connect()
            let idle = try await server.connect()
            try await idle.send(Self.ping)
            #expect(try await idle.readResponses(1).text == Self.null)
            try await busy.send("GET /vma/x_start HTTP/1.1\r\n\r\n")
            try await service.waitForCalls(2)

            let start = ContinuousClock.now
            let shutdown = Task { await server.server.shutdown(gracePeriod: .seconds(5)) }
            let idleEnd = try await idle.readUntilClosed(timeout: .seconds(2))
            #expect(idleEnd.closed && idleEnd.bytes.isEmpty)
            #expect(start.duration(to: .now) < .seconds(3))  // well before the 5 s grace

            let busyEnd = try await busy.readUntilClosed(timeout: .seconds(3))
            #expect(busyEnd.text == rpcTestReply("\"starting\"\n\r\n"))
            #expect(busyEnd.closed)
            await shutdown.value
            await #expect(throws: RPCTestSocket.Failure.self) { try await server.connect() }
        }

        @Test func shutdownWaitIsBounded() async throws {
            let service = RPCFakeService()
            await service.setDelay(.seconds(30), for: "x_start")
            let server = try await RPCTestServer.start(service: service)
            let busy = try await server.connect()
            try await busy.send("GET /vma/x_start HTTP/1.1\r\n\r\n")
            try await service.waitForCalls(1)
            let start = ContinuousClock.now
            await server.server.shutdown(gracePeriod: .milliseconds(200))
            let elapsed = start.duration(to: .now)
            #expect(elapsed >= .milliseconds(150) && elapsed < .seconds(2))
            let end = try await busy.readUntilClosed(timeout: .seconds(1))
            #expect(end.closed && end.bytes.isEmpty)
            #expect(server.log.lines.contains { $0.contains("still busy after the shutdown grace period") })
        }

        @Test func runReturnsAfterShutdownAndShutdownIsIdempotent() async throws {
            let server = try await RPCTestServer.start()
            let runner = Task { try await server.server.run() }
            try await Task.sleep(for: .milliseconds(20))
            await server.server.shutdown()
            try await runner.value
            await server.server.shutdown()
            await #expect(throws: VMARPCServerError(.alreadyStarted)) { try await server.server.start() }
        }

        @Test func cancellingRunShutsDown() async throws {
            let server = try await RPCTestServer.start()
            let runner = Task { try await server.server.run() }
            try await Task.sleep(for: .milliseconds(20))
            runner.cancel()
            try await runner.value
            await #expect(throws: RPCTestSocket.Failure.self) { try await server.connect() }
        }

        // MARK: Binding

        @Test func everyAddressAcceptsIPv4AndIPv6() async throws {
            var configuration = RPCTestServer.configuration()
            configuration.address = ""
            try await withRPCTestServer(configuration: configuration) { server in
                #expect(server.port > 0)
                let v4 = try await RPCTestSocket.connect(port: server.port, host: "127.0.0.1")
                try await v4.send(Self.ping)
                #expect(try await v4.readResponses(1).text == Self.null)
                let address = await server.server.localAddress
                #expect(address?.port == server.port)
                if let v6 = try? await RPCTestSocket.connect(port: server.port, host: "::1") {
                    try await v6.send(Self.ping)
                    #expect(try await v6.readResponses(1).text == Self.null)
                    // One IPv6 wildcard socket serves both families.
                    #expect(address?.protocol == .inet6)
                }
                // An IPv4 client of the IPv6 socket is logged by its IPv4 address.
                try await Task.sleep(for: .milliseconds(10))
                #expect(server.log.lines.contains { $0.contains("GET /vma/ping 200") && $0.contains("peer=127.0.0.1:") })
                #expect(await server.server.boundPort == server.port)
            }
        }

        @Test func bindHostsForEveryAddressTryIPv6WildcardThenIPv4() {
            #expect(VMARPCServerConfiguration(address: "").bindHosts == ["::", "0.0.0.0"])
            #expect(VMARPCServerConfiguration(address: "  ").bindHosts == ["::", "0.0.0.0"])
            #expect(VMARPCServerConfiguration(address: " 10.0.0.5 ").bindHosts == ["10.0.0.5"])
            #expect(VMARPCServerConfiguration(address: "[::1]").bindHosts == ["::1"])
            #expect(VMARPCServerConfiguration().port == 3030)
        }

        @Test func addressAndPortComeFromTheAgentConfiguration() throws {
            let defaults = Configuration(layers: [VMAConfigDefaults.table.layer], schema: VMAConfigDefaults.table)
            let standard = try VMARPCServerConfiguration(configuration: defaults)
            #expect(standard.address == "" && standard.port == 3030)
            #expect(standard.idleTimeout == .seconds(60) && standard.maxConnections == 256)

            var file = ConfigLayer(kind: .systemFile, name: "vma.conf", entries: [])
            file.set("vma.address", to: "10.1.2.3", source: .file("vma.conf", line: 1))
            file.set("internal.vm.port.vma", to: "3131", source: .file("vma.conf", line: 2))
            let custom = Configuration(layers: [VMAConfigDefaults.table.layer, file], schema: VMAConfigDefaults.table)
            let configured = try VMARPCServerConfiguration(configuration: custom)
            #expect(configured.address == "10.1.2.3" && configured.port == 3131)

            file.set("internal.vm.port.vma", to: "0", source: .file("vma.conf", line: 3))
            let invalid = Configuration(layers: [VMAConfigDefaults.table.layer, file], schema: VMAConfigDefaults.table)
            #expect(throws: ConfigError.self) { try VMARPCServerConfiguration(configuration: invalid) }
        }

        @Test func aPortInUseIsATypedError() async throws {
            try await withRPCTestServer { server in
                var configuration = RPCTestServer.configuration()
                configuration.port = server.port
                let second = VMARPCServer(configuration: configuration, service: RPCFakeService(), logger: Logger(label: "t"))
                do throws(VMARPCServerError) {
                    try await second.start()
                    Issue.record("a second server bound the same port")
                } catch {
                    guard case .bindFailed(let address, let port, _) = error.kind else {
                        Issue.record("unexpected error \(error)")
                        return
                    }
                    #expect(address == "127.0.0.1" && port == server.port)
                    #expect(error.description.contains("port \(server.port)"))
                }
            }
        }

        @Test func invalidConfigurationIsRefusedBeforeBinding() async throws {
            var configuration = RPCTestServer.configuration()
            configuration.maxConnections = 0
            let server = VMARPCServer(configuration: configuration, service: RPCFakeService(), logger: Logger(label: "t"))
            await #expect(throws: VMARPCServerError.self) { try await server.start() }
            configuration = RPCTestServer.configuration()
            configuration.port = 70_000
            #expect(throws: VMARPCServerError(.invalidConfiguration("port 70000 is not between 0 and 65535"))) {
                try configuration.validate()
            }
        }

        // MARK: Logging

        @Test func everyRequestIsOneLogLineWithoutSecrets() async throws {
            let service = RPCFakeService()
            await service.setAnswer(VMARPCAnswer(.success(.string("starting"))), for: "x_start")
            try await withRPCTestServer(service: service, logLevel: .debug) { server in
                let socket = try await server.connect()
                try await socket.send(
                    "GET /vma/x_start?qvd.vm.user.name=bob&qvd.slave.key=SLAVEKEY42&auth_token=TOKEN77&note=password%3Dhunter2 HTTP/1.1\r\n\r\n"
                        + "GET /vma/nope HTTP/1.1\r\n\r\n"
                )
                _ = try await socket.readResponses(2)
                try await socket.send("HELLO\r\n\r\n")
                _ = try await socket.readUntilClosed()
                let lines = server.log.lines.filter { $0.contains("/vma/") || $0.contains("malformed") }
                try #require(lines.count == 3, "\(server.log.lines)")
                #expect(lines[0].contains("INFO vma.rpc: GET /vma/x_start 200 "))
                #expect(lines[0].contains("peer=127.0.0.1:"))
                #expect(lines[0].contains("rpc=x_start"))
                #expect(lines[0].contains("result=ok"))
                #expect(lines[0].contains(" ms="))
                #expect(lines[0].contains("qvd.slave.key=***"))
                #expect(lines[0].contains("auth_token=***"))
                #expect(lines[0].contains("qvd.vm.user.name=bob"))
                for secret in ["SLAVEKEY42", "TOKEN77", "hunter2"] {
                    #expect(!server.log.lines.joined().contains(secret))
                }
                #expect(lines[1].contains("GET /vma/nope 404 "))
                #expect(lines[1].contains("reason=\"no such method\""))
                #expect(lines[2].contains("NOTICE vma.rpc: malformed request 400"))
            }
        }

        @Test func parametersStayOutOfTheLogAtInfo() async throws {
            try await withRPCTestServer(logLevel: .info) { server in
                let socket = try await server.connect()
                try await socket.send("GET /vma/x_state?qvd.vm.user.name=bob HTTP/1.1\r\n\r\n")
                _ = try await socket.readResponses(1)
                try await Task.sleep(for: .milliseconds(10))
                let line = try #require(server.log.lines.first { $0.contains("GET /vma/x_state 200") })
                #expect(!line.contains("bob"))
            }
        }
    }
}
