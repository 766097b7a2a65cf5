#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOCore
import NIOPosix
import QVDCore

/// The HTTP RPC server of `qvd-vma`: what the HKD and the L7R call on port 3030
/// (`upstream-vma.md` §1; transcript steps S01–S35 and S70–S75 of
/// `transcripts/vma/transcript.norm.txt`).
///
/// It owns HTTP (framing through Core's `HTTPServerHeadHandler`, routing per `VMARPCRoute`,
/// status codes, keep-alive, limits); the `VMARPCService` owns meaning. One long-lived
/// async process instead of upstream's fork per connection (spec README, deliberate
/// fix 1): a slow call or a slow client never holds up another connection.
///
/// ```swift
/// let server = VMARPCServer(configuration: .init(address: vmaAddress, port: 3030),
///                           service: agent, logger: Logger(label: "vma.rpc"))
/// try await server.start()            // listening now
/// ...
/// await server.shutdown()             // SIGTERM: stop accepting, finish replies
/// ```
///
/// Deliberate differences from upstream, all in the caller's favour:
/// request bodies announced by `Content-Length` are read and dropped (upstream parsed them
/// as the next request, S13); `GET /vma/` answers 404 where upstream dies with a Perl 500
/// (S08, see `VMARPCRoute`); one request gets one reply (upstream's x_start could answer
/// twice, `upstream-vma-observed.md` §4.1); `vnc_connect` stops at `503` (see
/// `VMARPCVNCConnect`); idle, slow and surplus connections are closed
/// (`VMARPCServerConfiguration`).
public actor VMARPCServer {
    private enum Phase {
        case idle
        case starting
        case running(any Channel, NIOLoopBound<VMARPCConnectionRegistry>)
        case stopping
        case stopped
    }

    public nonisolated let configuration: VMARPCServerConfiguration
    private let service: any VMARPCService
    private let logger: Logger
    private let redactor: LogRedactor
    private let eventLoopGroup: any EventLoopGroup
    private var phase: Phase = .idle
    private var address: SocketAddress?
    private var stopWaiters: [CheckedContinuation<Void, Never>] = []
    /// `shutdown()` was called while `start()` was binding.
    private var stopRequestedWhileStarting = false

    /// - Parameters:
    ///   - configuration: address, port, timeouts and limits.
    ///   - service: answers the calls.
    ///   - logger: one line per request (and refusals, timeouts); secrets are masked
    ///     with `redactor` whatever handler the logger has.
    ///   - eventLoopGroup: NIO's shared group unless given.
    public init(
        configuration: VMARPCServerConfiguration,
        service: any VMARPCService,
        logger: Logger,
        redactor: LogRedactor = .standard,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.service = service
        self.logger = logger
        self.redactor = redactor
        self.eventLoopGroup = eventLoopGroup
    }

    /// The address the server listens on, once started.
    public var localAddress: SocketAddress? { address }

    /// The port the server listens on, once started (the real one when configured as 0).
    public var boundPort: Int? { address?.port }

    /// Opens the listening socket and starts accepting connections. Returns the address
    /// listened on. For "every address" it binds the IPv6 wildcard, which accepts IPv4
    /// too, and falls back to `0.0.0.0` when the machine has no IPv6.
    @discardableResult
    public func start() async throws(VMARPCServerError) -> SocketAddress {
        guard case .idle = phase else { throw VMARPCServerError(.alreadyStarted) }
        try configuration.validate()
        phase = .starting

        var failures: [String] = []
        for host in configuration.bindHosts {
            do {
                let (channel, registry) = try await bind(host: host)
                guard let bound = channel.localAddress else {
                    try? await channel.close()
                    failures.append("\(host): the socket has no local address")
                    continue
                }
                address = bound
                phase = .running(channel, registry)
                logger.info(
                    "listening for RPC requests",
                    metadata: ["address": .string(VMARPCRequestLogEntry.describe(bound))]
                )
                if stopRequestedWhileStarting { await shutdown() }
                return bound
            } catch {
                failures.append("\(host): \(error)")
                // Only a missing address family justifies trying the next wildcard.
                guard configuration.listensOnAllAddresses, Self.isAddressFamilyUnavailable(error) else { break }
            }
        }
        phase = .stopped
        resumeStopWaiters()
        throw VMARPCServerError(
            .bindFailed(address: configuration.address, port: configuration.port, reason: failures.joined(separator: "; "))
        )
    }

    /// Stops accepting connections, lets every reply in progress finish, and closes every
    /// connection; idle connections close at once. Connections still busy after
    /// `gracePeriod` (default `configuration.shutdownGracePeriod`) are closed anyway: their
    /// replies are lost, but each call's `afterReplySent` still runs. Returns once every
    /// connection is closed. Calling it again, or before `start()`, is harmless.
    public func shutdown(gracePeriod: Duration? = nil) async {
        switch phase {
        case .idle:
            phase = .stopped
            resumeStopWaiters()
            return
        case .starting:
            stopRequestedWhileStarting = true
            await waitUntilStopped()
            return
        case .stopping:
            await waitUntilStopped()
            return
        case .stopped:
            return
        case .running(let channel, let registry):
            phase = .stopping
            let grace = TimeAmount(gracePeriod ?? configuration.shutdownGracePeriod)
            let loop = channel.eventLoop
            let allClosed = loop.flatSubmit {
                let done = registry.value.shutDown(gracePeriod: grace, eventLoop: loop)
                channel.close(promise: nil)
                return done
            }
            try? await allClosed.get()
            try? await channel.closeFuture.get()
            logger.info("RPC server stopped")
            phase = .stopped
            resumeStopWaiters()
        }
    }

    /// Runs until `shutdown()` completes; starts the server first if needed. Cancelling
    /// the calling task shuts the server down gracefully (for service-lifecycle style use).
    public func run() async throws(VMARPCServerError) {
        if case .idle = phase { try await start() }
        await withTaskCancellationHandler {
            await waitUntilStopped()
        } onCancel: {
            Task { await self.shutdown() }
        }
    }

    /// Returns once the server has stopped (after `shutdown()`, or a failed `start()`).
    public func waitUntilStopped() async {
        if case .stopped = phase { return }
        await withCheckedContinuation { continuation in
            stopWaiters.append(continuation)
        }
    }

    private func resumeStopWaiters() {
        let waiters = stopWaiters
        stopWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    // MARK: Binding

    private func bind(host: String) async throws -> (any Channel, NIOLoopBound<VMARPCConnectionRegistry>) {
        let configuration = self.configuration
        let service = self.service
        let logger = self.logger
        let redactor = self.redactor
        let serverLoop = eventLoopGroup.next()

        let bootstrap = ServerBootstrap(group: serverLoop, childGroup: eventLoopGroup)
            .serverChannelOption(.backlog, value: Int32(clamping: configuration.backlog))
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let registry = VMARPCConnectionRegistry(maxConnections: configuration.maxConnections, logger: logger)
                    try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler())
                    try channel.pipeline.syncOperations.addHandler(registry)
                }
            }
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let connection = VMARPCConnectionHandler(
                        service: service, configuration: configuration, logger: logger, redactor: redactor
                    )
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(VMARPCReadObserver(connection: connection))
                    try sync.addHandler(HTTPServerHeadHandler(configuration: configuration.headLimits))
                    try sync.addHandler(connection)
                }
            }

        let channel = try await bootstrap.bind(host: host, port: configuration.port).get()
        do {
            let registry = try await channel.eventLoop.submit {
                NIOLoopBound(
                    try channel.pipeline.syncOperations.handler(type: VMARPCConnectionRegistry.self),
                    eventLoop: channel.eventLoop
                )
            }.get()
            return (channel, registry)
        } catch {
            try? await channel.close()
            throw error
        }
    }

    private static func isAddressFamilyUnavailable(_ error: any Error) -> Bool {
        if let error = error as? IOError {
            return [EAFNOSUPPORT, EADDRNOTAVAIL, EPROTONOSUPPORT, EINVAL].contains(error.errnoCode)
        }
        // Name resolution of "::" failing also means no IPv6 here.
        return error is SocketAddressError
    }
}
