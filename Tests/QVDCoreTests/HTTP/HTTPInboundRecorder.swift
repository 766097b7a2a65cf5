import NIOCore

/// A test handler at the end of a pipeline: records what reaches it, in order.
final class HTTPInboundRecorder<Message>: ChannelInboundHandler {
    typealias InboundIn = Message

    enum Event {
        case read(Message)
        case readComplete
        case inputClosed
    }

    private(set) var events: [Event] = []
    /// Called for every read, after it is recorded (lets a test answer from inside a read).
    var onRead: ((ChannelHandlerContext, Message) -> Void)?

    var reads: [Message] {
        events.compactMap {
            if case .read(let message) = $0 { return message }
            return nil
        }
    }

    var inputClosedCount: Int {
        events.filter {
            if case .inputClosed = $0 { return true }
            return false
        }.count
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        events.append(.read(message))
        onRead?(context, message)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        events.append(.readComplete)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let channelEvent = event as? ChannelEvent, channelEvent == .inputClosed {
            events.append(.inputClosed)
        }
    }

    func removeAll() {
        events.removeAll()
    }
}
