import NIOCore
import NIOPosix

/// A FAKE nxagent for the tests: a TCP server that echoes every byte back, and closes the
/// connection when a read is exactly `BYE`.
final class FakeNXEchoServer: Sendable {
    let port: Int
    private let channel: any Channel

    init(group: any EventLoopGroup) async throws {
        channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(EchoHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    func close() async { try? await channel.close() }

    private final class EchoHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if unwrapInboundIn(data).readableBytesView.elementsEqual("BYE".utf8) {
                context.close(promise: nil)
                return
            }
            context.writeAndFlush(data, promise: nil)
        }
    }
}
