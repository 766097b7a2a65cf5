import NIOCore

/// The inbound half shared by `HTTPClientHeadHandler` and `HTTPServerHeadHandler`: feeds a
/// framing machine, hands its actions on, holds reads while it asks to, and on removal
/// hands every byte not handed on yet to the next handler.
///
/// A class, not a struct, so that firing events (which may re-enter the owning handler,
/// e.g. a write in answer to a head) never happens inside a mutating access.
final class HTTPFramingHandlerCore<Machine: HTTPFramingMachine> {
    var machine: Machine
    /// Inside `drain`: actions are being handed on right now.
    private(set) var isDraining = false
    /// A read was asked for while the machine held reads.
    private var readHeld = false
    /// The handler is leaving the pipeline: everything passes through untouched.
    private(set) var removing = false

    init(machine: Machine) {
        self.machine = machine
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny, bytes: @autoclosure () -> ByteBuffer) {
        guard !removing else {
            context.fireChannelRead(data)
            return
        }
        machine.received(bytes())
        drain(context: context, fireReadComplete: false)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard !removing, let channelEvent = event as? ChannelEvent, channelEvent == .inputClosed else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        machine.inputDidClose()
        drain(context: context, fireReadComplete: true)
    }

    // MARK: Outbound

    func read(context: ChannelHandlerContext) {
        if machine.shouldHoldReads {
            readHeld = true
        } else {
            context.read()
        }
    }

    // MARK: Removal

    /// Leaves the pipeline after firing every byte not handed on yet, as a plain
    /// `ByteBuffer` read, to the next handler, then any input-closed event still owed.
    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
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

    /// Hands on every action available now; `deliverInputClosed: false` swallows the
    /// input-closed event (after a full close, where `channelInactive` follows).
    func drain(context: ChannelHandlerContext, fireReadComplete: Bool, deliverInputClosed: Bool = true) {
        guard !isDraining, !removing else { return }
        isDraining = true
        defer { isDraining = false }
        var delivered = false
        while !removing, let action = machine.nextAction() {
            guard let message = Machine.inbound(for: action) else {
                if delivered {
                    context.fireChannelReadComplete()
                    delivered = false
                }
                if deliverInputClosed {
                    context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
                }
                continue
            }
            context.fireChannelRead(NIOAny(message))
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
extension HTTPFramingHandlerCore: Sendable {}
