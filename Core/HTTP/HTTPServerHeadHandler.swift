import NIOCore

/// The server side of QVD's HTTP/1.1 framing in a NIO pipeline: bytes in, request heads
/// out; response heads and bodies in, bytes out. The logic is
/// `HTTPServerFramingStateMachine`; this class only performs its actions.
///
/// Why not NIOHTTP1: its decoder answers `400` to heads with bare-LF line ends, which
/// upstream's C and Qt clients send (spec README, "Facts measured").
///
/// Use:
/// ```swift
/// try channel.pipeline.syncOperations.addHandler(HTTPServerHeadHandler())
/// // then a handler (or NIOAsyncChannel) reading HTTPServerInbound, writing HTTPServerOutbound
/// ```
/// - Each `.head` must be answered by writing a response head; the next request is parsed
///   only after a final one (status ≥ 200). `102`s may come first.
/// - Answer `.error(e)` with `HTTPErrorResponse(e)` and close.
/// - After writing a `101`, the upgraded protocol's bytes arrive as `.bytes` (or, with
///   `.onRemoval`, as plain `ByteBuffer` reads to the next handler once this one is
///   removed); write the other direction as `.body`.
/// - Every response head is flushed as it is written, so a body always goes out in a
///   separate write: upstream's C client hangs when head and body share a TLS record.
/// - With `ChannelOptions.allowRemoteHalfClosure`, `ChannelEvent.inputClosed` is passed on
///   after the requests buffered before it, so the application answers them, then closes.
public final class HTTPServerHeadHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = HTTPServerInbound
    public typealias OutboundIn = HTTPServerOutbound
    public typealias OutboundOut = ByteBuffer

    private let core: HTTPFramingHandlerCore<HTTPServerFramingStateMachine>
    private var drainScheduled = false

    public init(configuration: HTTPHeadParserConfiguration = .requests, upgradeDelivery: HTTPUpgradeDelivery = .inline) {
        self.core = HTTPFramingHandlerCore(
            machine: HTTPServerFramingStateMachine(configuration: configuration, upgradeDelivery: upgradeDelivery))
    }

    /// Where the connection stands (for tests and diagnostics).
    public var phase: HTTPServerFramingStateMachine.Phase { core.machine.phase }

    // MARK: Inbound

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        core.channelRead(context: context, data: data, bytes: unwrapInboundIn(data))
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        context.fireChannelReadComplete()
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        core.userInboundEventTriggered(context: context, event: event)
    }

    // MARK: Outbound

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            var buffer = context.channel.allocator.buffer(capacity: 256)
            HTTPHeadWriter.write(head, into: &buffer)
            let mayProgress = core.machine.responseHeadWritten(head.status)
            context.write(wrapOutboundOut(buffer), promise: promise)
            context.flush()
            if mayProgress { scheduleDrain(context: context) }
        case .body(let bytes):
            context.write(wrapOutboundOut(bytes), promise: promise)
        }
    }

    public func read(context: ChannelHandlerContext) {
        core.read(context: context)
    }

    // MARK: Removal

    /// Leaves the pipeline after firing every byte not handed on yet, as a plain
    /// `ByteBuffer` read, to the next handler, then any input-closed event still owed.
    public func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        core.removeHandler(context: context, removalToken: removalToken)
    }

    // MARK: Driving the machine

    private func scheduleDrain(context: ChannelHandlerContext) {
        // Inside our own loop the loop picks the change up; otherwise run later, never
        // re-entering the application from inside its write.
        guard !core.isDraining, !drainScheduled else { return }
        drainScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.drainScheduled = false
            self.core.drain(context: context, fireReadComplete: true)
        }
    }
}

@available(*, unavailable)
extension HTTPServerHeadHandler: Sendable {}
