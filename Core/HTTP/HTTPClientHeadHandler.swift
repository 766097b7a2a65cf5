import NIOCore

/// The client side of QVD's HTTP/1.1 framing in a NIO pipeline: request heads and bodies
/// in, bytes out; bytes in, response heads, bodies and ends out. The logic is
/// `HTTPClientFramingStateMachine`; this class only performs its actions.
///
/// Use it for `GET /qvd/connect_to_vm` (`upstream-l7r-protocol.md` §5): write
/// `.head(request)` and flush; read any number of `.head` 102s, then either a final
/// `.head` with its `.body` chunks and `.end`, or a `.head` 101 followed by the NX stream as
/// `.bytes` (with `.onRemoval`: as plain `ByteBuffer` reads to the next handler once this
/// one is removed). Bytes that arrived in the same read as the 101 are never lost.
public final class HTTPClientHeadHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = HTTPClientInbound
    public typealias OutboundIn = HTTPClientOutbound
    public typealias OutboundOut = ByteBuffer

    private let core: HTTPFramingHandlerCore<HTTPClientFramingStateMachine>

    public init(configuration: HTTPHeadParserConfiguration = .responses, upgradeDelivery: HTTPUpgradeDelivery = .inline) {
        self.core = HTTPFramingHandlerCore(
            machine: HTTPClientFramingStateMachine(configuration: configuration, upgradeDelivery: upgradeDelivery))
    }

    /// Where the connection stands (for tests and diagnostics).
    public var phase: HTTPClientFramingStateMachine.Phase { core.machine.phase }

    // MARK: Inbound

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        core.channelRead(context: context, data: data, bytes: unwrapInboundIn(data))
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        core.userInboundEventTriggered(context: context, event: event)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        // A close without a half-close first: a head or body cut short is still an error.
        if !core.removing {
            core.machine.inputDidClose()
            core.drain(context: context, fireReadComplete: true, deliverInputClosed: false)
        }
        context.fireChannelInactive()
    }

    // MARK: Outbound

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            var buffer = context.channel.allocator.buffer(capacity: 256)
            HTTPHeadWriter.write(head, into: &buffer)
            context.write(wrapOutboundOut(buffer), promise: promise)
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
}

@available(*, unavailable)
extension HTTPClientHeadHandler: Sendable {}
