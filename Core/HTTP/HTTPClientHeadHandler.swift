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

    private var machine: HTTPClientFramingStateMachine
    private var isDraining = false
    private var readHeld = false
    private var removing = false

    public init(configuration: HTTPHeadParserConfiguration = .responses, upgradeDelivery: HTTPUpgradeDelivery = .inline) {
        self.machine = HTTPClientFramingStateMachine(configuration: configuration, upgradeDelivery: upgradeDelivery)
    }

    /// Where the connection stands (for tests and diagnostics).
    public var phase: HTTPClientFramingStateMachine.Phase { machine.phase }

    // MARK: Inbound

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !removing else {
            context.fireChannelRead(data)
            return
        }
        machine.received(unwrapInboundIn(data))
        drain(context: context, fireReadComplete: false)
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard !removing, let channelEvent = event as? ChannelEvent, channelEvent == .inputClosed else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        machine.inputDidClose()
        drain(context: context, fireReadComplete: true)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        // A close without a half-close first: a head or body cut short is still an error.
        if !removing {
            machine.inputDidClose()
            drain(context: context, fireReadComplete: true, deliverInputClosed: false)
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
        if machine.shouldHoldReads {
            readHeld = true
        } else {
            context.read()
        }
    }

    // MARK: Removal

    /// Leaves the pipeline after firing every byte not handed on yet, as a plain
    /// `ByteBuffer` read, to the next handler, then any input-closed event still owed.
    public func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        removing = true
        context.eventLoop.assumeIsolated().execute {
            let (bytes, inputClosed) = self.machine.takeLeftovers()
            if let bytes {
                context.fireChannelRead(NIOAny(bytes))
                context.fireChannelReadComplete()
            }
            if inputClosed {
                context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            }
            if self.readHeld {
                self.readHeld = false
                context.read()
            }
            context.leavePipeline(removalToken: removalToken)
        }
    }

    // MARK: Driving the machine

    private func drain(context: ChannelHandlerContext, fireReadComplete: Bool, deliverInputClosed: Bool = true) {
        guard !isDraining, !removing else { return }
        isDraining = true
        defer { isDraining = false }
        var delivered = false
        while !removing, let action = machine.nextAction() {
            let message: HTTPClientInbound
            switch action {
            case .deliverHead(let head): message = .head(head)
            case .deliverBody(let bytes): message = .body(bytes)
            case .deliverEnd: message = .end
            case .deliverBytes(let bytes): message = .bytes(bytes)
            case .deliverError(let error): message = .error(error)
            case .deliverInputClosed:
                if delivered {
                    context.fireChannelReadComplete()
                    delivered = false
                }
                if deliverInputClosed {
                    context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
                }
                continue
            }
            context.fireChannelRead(wrapInboundOut(message))
            delivered = true
        }
        if delivered, fireReadComplete {
            context.fireChannelReadComplete()
        }
        if readHeld, !machine.shouldHoldReads, !removing {
            readHeld = false
            context.read()
        }
    }
}

@available(*, unavailable)
extension HTTPClientHeadHandler: Sendable {}
