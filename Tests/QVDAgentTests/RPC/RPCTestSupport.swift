import Logging
import NIOCore
import QVDAgent
import QVDCore
import Synchronization
import Testing

/// A `VMARPCService` for the server tests. By default it answers like the upstream VMA in
/// the recorded transcript with no session: `ping` → `null`, `x_state`/`x_suspend`/`x_stop`
/// → `"stopped"`, `expire` → `1`, `poweroff` → `1`; any other method → nil (404).
actor RPCFakeService: VMARPCService {
    struct Call: Sendable, Equatable {
        var method: String
        var parameters: [QueryParameter]
    }

    private(set) var calls: [Call] = []
    private var answers: [String: VMARPCAnswer]
    private var delays: [String: Duration] = [:]
    private var state = "stopped"

    init() {
        let stopped = VMARPCAnswer(.success(.string("stopped")))
        answers = [
            "ping": VMARPCAnswer(.success(.null)),
            "x_state": stopped,
            "x_suspend": stopped,
            "x_stop": stopped,
            "expire": VMARPCAnswer(.success(.integer(1))),
            "poweroff": VMARPCAnswer(.success(.integer(1))),
        ]
    }

    func setAnswer(_ answer: VMARPCAnswer?, for method: String) {
        answers[method] = answer
    }

    /// Makes calls of `method` take `delay` before answering.
    func setDelay(_ delay: Duration?, for method: String) {
        delays[method] = delay
    }

    func setState(_ newState: String) {
        state = newState
    }

    func call(method: String, parameters: [QueryParameter]) async -> VMARPCAnswer? {
        calls.append(Call(method: method, parameters: parameters))
        if let delay = delays[method] {
            try? await Task.sleep(for: delay)
        }
        return answers[method]
    }

    func reportedState() async -> String {
        state
    }

    /// Waits until at least `count` calls arrived (or `timeout`); returns the calls.
    @discardableResult
    func waitForCalls(_ count: Int, timeout: Duration = .seconds(5)) async throws -> [Call] {
        let deadline = ContinuousClock.now + timeout
        while calls.count < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(1))
        }
        return calls
    }
}

/// A running `VMARPCServer` on 127.0.0.1 and a free port, with a fake service and its log
/// lines in memory.
struct RPCTestServer {
    let server: VMARPCServer
    let port: Int
    let service: RPCFakeService
    let log: InMemoryLogSink

    /// The test configuration: loopback, port 0, the given limits.
    static func configuration(
        idleTimeout: Duration = .seconds(60),
        requestHeadTimeout: Duration = .seconds(10),
        maxConnections: Int = 256,
        shutdownGracePeriod: Duration = .seconds(5)
    ) -> VMARPCServerConfiguration {
        VMARPCServerConfiguration(
            address: "127.0.0.1",
            port: 0,
            idleTimeout: idleTimeout,
            requestHeadTimeout: requestHeadTimeout,
            closeLingerTimeout: .milliseconds(500),
            maxConnections: maxConnections,
            shutdownGracePeriod: shutdownGracePeriod
        )
    }

    /// Starts a server. The log handler does **not** redact, so tests see what the server
    /// itself masks.
    static func start(
        configuration: VMARPCServerConfiguration = RPCTestServer.configuration(),
        service: RPCFakeService = RPCFakeService(),
        logLevel: Logger.Level = .info
    ) async throws -> RPCTestServer {
        let sink = InMemoryLogSink()
        let logger = Logger(label: "vma.rpc") { label in
            QVDLogHandler(label: label, sink: sink, threshold: .minimum(logLevel), redactor: nil)
        }
        let server = VMARPCServer(configuration: configuration, service: service, logger: logger)
        let address = try await server.start()
        guard let port = address.port else {
            throw RPCTestSocket.Failure(description: "the server reports no port")
        }
        return RPCTestServer(server: server, port: port, service: service, log: sink)
    }

    func connect() async throws -> RPCTestSocket {
        try await RPCTestSocket.connect(port: port)
    }

    /// `Host:` value as the transcript driver sends it.
    var hostHeader: String { "127.0.0.1:\(port)" }
}

/// Runs `body` with a fresh server, and shuts it down afterwards, even when `body` throws.
func withRPCTestServer<T>(
    configuration: VMARPCServerConfiguration = RPCTestServer.configuration(),
    service: RPCFakeService = RPCFakeService(),
    logLevel: Logger.Level = .info,
    _ body: (RPCTestServer) async throws -> T
) async throws -> T {
    let server = try await RPCTestServer.start(configuration: configuration, service: service, logLevel: logLevel)
    do {
        let result = try await body(server)
        await server.server.shutdown(gracePeriod: .milliseconds(500))
        return result
    } catch {
        await server.server.shutdown(gracePeriod: .milliseconds(500))
        throw error
    }
}

/// The exact bytes of a SimpleRPC reply with `body`.
func rpcTestReply(_ body: String) -> String {
    "HTTP/1.1 200 OK\r\nContent-Type: application/json-simplerpc\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
}

/// Collects values recorded from other tasks and waits for them.
actor RPCTestRecorder<Value: Sendable> {
    private(set) var values: [Value] = []

    func record(_ value: Value) {
        values.append(value)
    }

    func waitForValues(_ count: Int, timeout: Duration = .seconds(5)) async throws -> [Value] {
        let deadline = ContinuousClock.now + timeout
        while values.count < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
        return values
    }
}

/// Records the writes and flushes that reach the socket.
final class RPCTestWriteRecorder: Sendable {
    enum Event: Sendable, Equatable {
        case write(String)
        case flush
    }

    private let events = Mutex<[Event]>([])

    func record(_ event: Event) {
        events.withLock { $0.append(event) }
    }

    func waitForEvents(_ count: Int, timeout: Duration = .seconds(5)) async throws -> [Event] {
        let deadline = ContinuousClock.now + timeout
        while events.withLock({ $0.count }) < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
        return events.withLock { $0 }
    }
}

final class RPCTestWriteRecordingHandler: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let recorder: RPCTestWriteRecorder

    init(recorder: RPCTestWriteRecorder) {
        self.recorder = recorder
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        recorder.record(.write(String(buffer: unwrapOutboundIn(data))))
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        recorder.record(.flush)
        context.flush()
    }
}

/// A small deterministic generator (SplitMix64) for the garbage requests.
struct RPCTestRandom {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func nextByte() -> UInt8 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return UInt8(truncatingIfNeeded: z ^ (z >> 31))
    }
}

extension String {
    /// `{HOST}` replaced with `host`.
    func replacingHostPlaceholder(with host: String) -> String {
        replacing("{HOST}", with: host)
    }
}
