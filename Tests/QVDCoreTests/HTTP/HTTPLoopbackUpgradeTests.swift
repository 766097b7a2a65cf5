import NIOCore
import NIOPosix
import Testing

@testable import QVDCore

/// The framing handlers over real loopback TCP sockets, on free ports.
struct HTTPLoopbackUpgradeTests {
    typealias Support = HTTPTestSupport

    static let slaveKey = String(repeating: "K", count: 64)
    static let connectRequest = HTTPRequestHead(
        method: "GET",
        target: "/qvd/connect_to_vm?id=1&qvd.client.link=lan",
        headers: ["Authorization": "Basic dTpw", "Connection": "Upgrade", "Upgrade": "QVD/1.0"]
    )
    static let progress = [
        HTTPResponseHead(status: .processing, headers: [HTTPHeaderName.qvdVMInfo: "Starting X session at VM 1"]),
        HTTPResponseHead(status: .processing, headers: [HTTPHeaderName.qvdVMInfo: "Connection established"]),
    ]
    static let switching = HTTPResponseHead(status: .switchingProtocols, headers: [HTTPHeaderName.qvdSlaveKey: slaveKey])

    /// Runs `body` with a server on a free loopback port whose child pipelines `initialize`
    /// builds; everything is shut down afterwards.
    static func withServer<Result: Sendable>(
        initialize: @escaping @Sendable (any Channel) throws -> Void,
        _ body: (MultiThreadedEventLoopGroup, Int) async throws -> Result
    ) async throws -> Result {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let server = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 256 * 1024))
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try initialize(channel) }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            let port = try #require(server.localAddress?.port)
            let result = try await body(group, port)
            try await server.close()
            try await group.shutdownGracefully()
            return result
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    static func connect(
        group: MultiThreadedEventLoopGroup,
        port: Int,
        initialize: @escaping @Sendable (any Channel) throws -> Void
    ) async throws -> any Channel {
        try await ClientBootstrap(group: group)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 256 * 1024))
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try initialize(channel) } }
            .connect(host: "127.0.0.1", port: port).get()
    }

    @Test("server: request head and 64 KiB sent in one write; 102, 102, 101, then every byte echoed in order")
    func serverUpgrade() async throws {
        let payload = Support.payload(count: 64 * 1024, seed: 21)
        let expected = (Self.progress + [Self.switching]).flatMap(HTTPHeadWriter.bytes(of:)) + payload
        let received = try await Self.withServer(initialize: { channel in
            try channel.pipeline.syncOperations.addHandlers([HTTPServerHeadHandler(), HTTPUpgradeEchoServer()])
        }) { group, port in
            let done = group.next().makePromise(of: [UInt8].self)
            let client = try await Self.connect(group: group, port: port) { channel in
                try channel.pipeline.syncOperations.addHandler(HTTPByteCollector(expected: expected.count, promise: done))
            }
            var glued = ByteBuffer(bytes: HTTPHeadWriter.bytes(of: Self.connectRequest))
            glued.writeBytes(payload)
            try await client.writeAndFlush(glued)
            let received = try await done.futureResult.get()
            try await client.close()
            return received
        }
        #expect(received.count == expected.count)
        #expect(received == expected)
    }

    @Test("client: 102, 102, 101 and 64 KiB sent by the server in one write reach the consumer in order")
    func clientUpgradeGlued() async throws {
        let payload = Support.payload(count: 64 * 1024, seed: 22)
        let result = try await Self.withServer(initialize: { channel in
            let glued = (Self.progress + [Self.switching]).flatMap(HTTPHeadWriter.bytes(of:)) + payload
            try channel.pipeline.syncOperations.addHandler(HTTPGluedAnswerServer(answer: glued))
        }) { group, port in
            let done = group.next().makePromise(of: HTTPConnectTestClient.Outcome.self)
            let client = try await Self.connect(group: group, port: port) { channel in
                try channel.pipeline.syncOperations.addHandlers([
                    HTTPClientHeadHandler(),
                    HTTPConnectTestClient(request: Self.connectRequest, sendAfterUpgrade: [], expectedBytes: payload.count, promise: done),
                ])
            }
            let outcome = try await done.futureResult.get()
            try await client.close()
            return outcome
        }
        #expect(result.heads == Self.progress + [Self.switching])
        #expect(result.bytes == payload)
    }

    @Test("our client and our server end to end: connect, 102s, 101, 64 KiB each way")
    func endToEnd() async throws {
        let payload = Support.payload(count: 64 * 1024, seed: 23)
        let result = try await Self.withServer(initialize: { channel in
            try channel.pipeline.syncOperations.addHandlers([HTTPServerHeadHandler(), HTTPUpgradeEchoServer()])
        }) { group, port in
            let done = group.next().makePromise(of: HTTPConnectTestClient.Outcome.self)
            let client = try await Self.connect(group: group, port: port) { channel in
                try channel.pipeline.syncOperations.addHandlers([
                    HTTPClientHeadHandler(),
                    HTTPConnectTestClient(request: Self.connectRequest, sendAfterUpgrade: payload, expectedBytes: payload.count, promise: done),
                ])
            }
            let outcome = try await done.futureResult.get()
            try await client.close()
            return outcome
        }
        #expect(result.heads == Self.progress + [Self.switching])
        #expect(result.bytes == payload)
    }
}

/// Answers the first request head with two 102s and a 101, then echoes the upgraded bytes.
final class HTTPUpgradeEchoServer: ChannelInboundHandler {
    typealias InboundIn = HTTPServerInbound
    typealias OutboundOut = HTTPServerOutbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard head.headers.exactValue(named: "Connection") == "Upgrade" else {
                for part in HTTPErrorResponse(status: .upgradeRequired).parts {
                    context.writeAndFlush(wrapOutboundOut(part), promise: nil)
                }
                return
            }
            for progress in HTTPLoopbackUpgradeTests.progress {
                context.write(wrapOutboundOut(.head(progress)), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.head(HTTPLoopbackUpgradeTests.switching)), promise: nil)
        case .bytes(let bytes):
            context.writeAndFlush(wrapOutboundOut(.body(bytes)), promise: nil)
        case .error(let error):
            for part in HTTPErrorResponse(error).parts {
                context.write(wrapOutboundOut(part), promise: nil)
            }
            context.flush()
            context.close(promise: nil)
        }
    }
}

/// A raw server: once a request head has arrived, writes `answer` in a single write.
final class HTTPGluedAnswerServer: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let answer: [UInt8]
    private var received: [UInt8] = []
    private var answered = false

    init(answer: [UInt8]) {
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += Array(unwrapInboundIn(data).readableBytesView)
        let endOfHead: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]
        guard !answered, received.count >= 4, received.indices.dropLast(3).contains(where: { received[$0..<($0 + 4)].elementsEqual(endOfHead) }) else {
            return
        }
        answered = true
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: answer)), promise: nil)
    }
}

/// Collects raw bytes until `expected` have arrived (or the connection ends).
final class HTTPByteCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let expected: Int
    private let promise: EventLoopPromise<[UInt8]>
    private var received: [UInt8] = []
    private var done = false

    init(expected: Int, promise: EventLoopPromise<[UInt8]>) {
        self.expected = expected
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += Array(unwrapInboundIn(data).readableBytesView)
        if received.count >= expected { finish() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    private func finish() {
        guard !done else { return }
        done = true
        promise.succeed(received)
    }
}

/// Sends a connect request, records the heads, sends bytes after the 101 and collects the
/// upgraded bytes that come back.
final class HTTPConnectTestClient: ChannelInboundHandler {
    typealias InboundIn = HTTPClientInbound
    typealias OutboundOut = HTTPClientOutbound

    struct Outcome: Sendable {
        var heads: [HTTPResponseHead]
        var bytes: [UInt8]
        var error: HTTPHeadError?
    }

    private let request: HTTPRequestHead
    private let sendAfterUpgrade: [UInt8]
    private let expectedBytes: Int
    private let promise: EventLoopPromise<Outcome>
    private var outcome = Outcome(heads: [], bytes: [])
    private var done = false

    init(request: HTTPRequestHead, sendAfterUpgrade: [UInt8], expectedBytes: Int, promise: EventLoopPromise<Outcome>) {
        self.request = request
        self.sendAfterUpgrade = sendAfterUpgrade
        self.expectedBytes = expectedBytes
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(.head(request)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            outcome.heads.append(head)
            if head.status == .switchingProtocols, !sendAfterUpgrade.isEmpty {
                context.writeAndFlush(wrapOutboundOut(.body(ByteBuffer(bytes: sendAfterUpgrade))), promise: nil)
            }
        case .bytes(let bytes):
            outcome.bytes += Array(bytes.readableBytesView)
            if outcome.bytes.count >= expectedBytes { finish() }
        case .body, .end:
            break
        case .error(let error):
            outcome.error = error
            finish()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    private func finish() {
        guard !done else { return }
        done = true
        promise.succeed(outcome)
    }
}
