import NIOCore
import NIOSSL
import NIOTLS

/// Completes `handshake` when the TLS handshake is done, or fails it with the first error
/// (or a close). Lets the client decide about the certificate before any HTTP is sent, as
/// upstream's Perl client does (`upstream-l7r-protocol.md` §1.2).
final class TLSHandshakeWaiter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    let handshake: EventLoopPromise<Void>
    private var done = false

    init(handshake: EventLoopPromise<Void>) {
        self.handshake = handshake
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls, !done {
            done = true
            handshake.succeed(())
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !done {
            done = true
            handshake.fail(error)
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done {
            done = true
            handshake.fail(ChannelError.eof)
        }
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if !done {
            done = true
            handshake.fail(ChannelError.eof)
        }
    }
}

@available(*, unavailable)
extension TLSHandshakeWaiter: Sendable {}
