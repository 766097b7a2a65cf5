import Logging
import NIOCore

/// Sits in the listening socket's pipeline and sees every accepted connection before it is
/// set up: it enforces the cap on open connections and knows them all for a graceful
/// shutdown. Loop-bound to the listening socket's event loop.
///
/// - Over the cap, a new connection is closed at once, before it is read. A line is
///   logged, at most once a second, with how many were refused since the last line, so a
///   flood cannot flood the log too.
/// - `shutDown` sends `ChannelShouldQuiesceEvent` to every connection (idle ones close,
///   busy ones close after their reply), and closes any still open after the grace period.
final class VMARPCConnectionRegistry: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    static let refusalLogInterval = TimeAmount.seconds(1)

    private let maxConnections: Int
    private let logger: Logger
    private var connections: [ObjectIdentifier: any Channel] = [:]
    private var refusedSinceLastLine = 0
    private var lastRefusalLine: NIODeadline?
    private var shuttingDown = false
    private var allClosed: EventLoopPromise<Void>?

    init(maxConnections: Int, logger: Logger) {
        self.maxConnections = maxConnections
        self.logger = logger
    }

    /// Connections open now.
    var openConnectionCount: Int { connections.count }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = unwrapInboundIn(data)
        guard !shuttingDown, connections.count < maxConnections else {
            refuse(child, now: .now())
            return
        }
        let id = ObjectIdentifier(child)
        connections[id] = child
        let registry = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        child.closeFuture.whenComplete { _ in
            loop.execute { registry.value.connectionClosed(id) }
        }
        context.fireChannelRead(data)
    }

    private func refuse(_ child: any Channel, now: NIODeadline) {
        child.close(promise: nil)
        refusedSinceLastLine += 1
        if let last = lastRefusalLine, now - last < Self.refusalLogInterval { return }
        let peer = VMARPCRequestLogEntry.describe(child.remoteAddress)
        logger.warning(
            "refusing RPC connection: \(connections.count) connections are open, the limit is \(maxConnections)",
            metadata: ["peer": .string(peer), "refused": .string(String(refusedSinceLastLine))]
        )
        refusedSinceLastLine = 0
        lastRefusalLine = now
    }

    private func connectionClosed(_ id: ObjectIdentifier) {
        connections[id] = nil
        if connections.isEmpty, let allClosed {
            self.allClosed = nil
            allClosed.succeed()
        }
    }

    /// Stops taking connections, asks every open one to finish, and closes the rest after
    /// `gracePeriod`. The future succeeds once every connection is closed.
    func shutDown(gracePeriod: TimeAmount, eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        shuttingDown = true
        if let allClosed { return allClosed.futureResult }
        if connections.isEmpty { return eventLoop.makeSucceededVoidFuture() }
        let promise = eventLoop.makePromise(of: Void.self)
        allClosed = promise
        for channel in connections.values {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        let registry = NIOLoopBound(self, eventLoop: eventLoop)
        let deadline = eventLoop.scheduleTask(in: gracePeriod) {
            let remaining = registry.value.connections.values
            if !remaining.isEmpty {
                registry.value.logger.notice(
                    "closing \(remaining.count) RPC connections still busy after the shutdown grace period"
                )
            }
            for channel in remaining { channel.close(promise: nil) }
        }
        promise.futureResult.whenComplete { _ in deadline.cancel() }
        return promise.futureResult
    }
}

@available(*, unavailable)
extension VMARPCConnectionRegistry: Sendable {}
