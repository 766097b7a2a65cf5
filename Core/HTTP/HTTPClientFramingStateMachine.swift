import NIOCore

/// The client side of a connection's HTTP/1.1 framing, as a plain value: bytes and events
/// in, things to hand to the application out. `HTTPClientHeadHandler` is its I/O shell.
///
/// Behaviour (`upstream-l7r-protocol.md` §2 and §5, `upstream-slave-channel.md` §2.1):
/// - Any number of interim heads (`102 Processing` with `X-QVD-VM-Info`) are handed on,
///   each as a head, then the final head.
/// - A final head's body is `Content-Length` bytes (none without it, and none for `1xx`,
///   `204`, `304`), handed on as body chunks followed by an end; then the next response
///   may follow on the same connection (the Perl client's list then connect).
/// - After a `101 Switching Protocols` it parses nothing more: every byte already read
///   past the 101's head, and every later byte, goes to the next consumer in order
///   (`HTTPUpgradeDelivery`); upstream's C client, by contrast, drops bytes glued to the 101.
/// - A malformed head, or the connection ending inside a head or a body, is handed on as
///   an error; nothing more is read. A close between responses is just input-closed (the
///   real L7R closes without any response after its 102s on many failures,
///   `upstream-clients-observed.md` §8.2).
public struct HTTPClientFramingStateMachine: Sendable {
    /// What to hand to the application next.
    public enum Action: Sendable, Hashable {
        case deliverHead(HTTPResponseHead)
        case deliverBody(ByteBuffer)
        /// The final response (head and body) is complete.
        case deliverEnd
        /// Bytes after a 101 (only with `HTTPUpgradeDelivery.inline`).
        case deliverBytes(ByteBuffer)
        case deliverError(HTTPHeadError)
        case deliverInputClosed
    }

    public enum Phase: Sendable, Hashable {
        case readingHead
        case readingBody(remaining: Int)
        case upgraded
        case closed
    }

    public private(set) var phase: Phase = .readingHead
    public let upgradeDelivery: HTTPUpgradeDelivery
    private var parser: HTTPResponseHeadParser
    private var input = HTTPFramingInput()
    private var endPending = false

    public init(configuration: HTTPHeadParserConfiguration = .responses, upgradeDelivery: HTTPUpgradeDelivery = .inline) {
        self.parser = HTTPResponseHeadParser(configuration: configuration)
        self.upgradeDelivery = upgradeDelivery
    }

    public var bufferedByteCount: Int { input.buffer.readableBytes }

    /// Whether the handler should stop reading for now: bytes pile up after a 101 while
    /// waiting for the handler's removal.
    public var shouldHoldReads: Bool {
        phase == .upgraded && upgradeDelivery == .onRemoval
            && input.buffer.readableBytes >= HTTPServerFramingStateMachine.readHighWatermark
    }

    public mutating func received(_ bytes: ByteBuffer) {
        if phase == .closed { return }
        input.append(bytes)
    }

    public mutating func inputDidClose() {
        input.close()
    }

    public mutating func nextAction() -> Action? {
        if endPending {
            endPending = false
            return .deliverEnd
        }
        switch phase {
        case .closed:
            return inputClosedIfDue()
        case .upgraded:
            guard upgradeDelivery == .inline else { return nil }
            if input.buffer.readableBytes > 0 {
                return .deliverBytes(input.takeBytes())
            }
            return inputClosedIfDue()
        case .readingBody(let remaining):
            if input.buffer.readableBytes > 0 {
                let count = min(remaining, input.buffer.readableBytes)
                // `count` is within the readable bytes, so the slice always exists.
                let chunk = input.buffer.readSlice(length: count) ?? ByteBuffer()
                if count == remaining {
                    phase = .readingHead
                    endPending = true
                } else {
                    phase = .readingBody(remaining: remaining - count)
                }
                return .deliverBody(chunk)
            }
            if input.inputClosed {
                return fail(HTTPHeadError(kind: .truncatedMessage, status: .badGateway, excerpt: "\(remaining) body bytes missing"))
            }
            return nil
        case .readingHead:
            guard input.buffer.readableBytes > 0 else { return inputClosedIfDue() }
            let result = input.buffer.withUnsafeReadableBytes { parser.parse($0) }
            switch result {
            case .needMoreData:
                guard input.inputClosed else { return nil }
                if input.buffer.readableBytesView.allSatisfy({ $0 == 0x0D || $0 == 0x0A || $0 == 0x20 || $0 == 0x09 }) {
                    return inputClosedIfDue()
                }
                let excerpt = HTTPHeadError.escape(input.buffer.readableBytesView.prefix(80))
                return fail(HTTPHeadError(kind: .truncatedMessage, status: .badGateway, excerpt: excerpt))
            case .complete(let head, let length):
                input.buffer.moveReaderIndex(forwardBy: length)
                parser.reset()
                if head.status == .switchingProtocols {
                    phase = .upgraded
                } else if !head.status.isInformational {
                    let bodyLength = head.bodyLength
                    if bodyLength > 0 {
                        phase = .readingBody(remaining: bodyLength)
                    } else {
                        endPending = true
                    }
                }
                return .deliverHead(head)
            case .failed(let error):
                return fail(error)
            }
        }
    }

    /// Everything not handed on yet, for a handler leaving the pipeline.
    public mutating func takeLeftovers() -> (bytes: ByteBuffer?, inputClosed: Bool) {
        phase = .closed
        endPending = false
        return input.takeLeftovers()
    }

    private mutating func fail(_ error: HTTPHeadError) -> Action {
        phase = .closed
        input.buffer = ByteBuffer()
        return .deliverError(error)
    }

    private mutating func inputClosedIfDue() -> Action? {
        input.takeInputClosedIfDue() ? .deliverInputClosed : nil
    }
}
