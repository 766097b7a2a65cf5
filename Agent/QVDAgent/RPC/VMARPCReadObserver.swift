import NIOCore

/// Sits in front of Core's `HTTPServerHeadHandler` and tells the connection handler that
/// bytes arrived, before they are framed: the head timer starts at the first byte of a
/// request, which the framing would only report once the whole head is there.
final class VMARPCReadObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let connection: VMARPCConnectionHandler

    init(connection: VMARPCConnectionHandler) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.bytesArrived()
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension VMARPCReadObserver: Sendable {}
