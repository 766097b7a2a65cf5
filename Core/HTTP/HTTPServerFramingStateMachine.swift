import NIOCore

/// The server side of a connection's HTTP/1.1 framing, as a plain value: bytes and events
/// in, things to hand to the application out. `HTTPServerHeadHandler` is its I/O shell.
///
/// Behaviour (`upstream-vma.md` §1.2, `upstream-vma-observed.md` §4.6, transcript steps
/// S12–S31):
/// - **Keep-alive loop, one request at a time.** It hands on one request head, then waits
///   until the application has written a final response head (status ≥ 200) before it
///   parses the next one from what is buffered, so pipelined requests (S29) are answered in
///   order and a request is never read while the previous answer is being decided. Interim
///   heads (`102`) keep it waiting.
/// - **Bodies are skipped.** Bytes announced by `Content-Length` are read and dropped. This
///   is our deliberate fix: upstream never reads bodies and parses them as the next request
///   (S13: `404` then `400` and a close).
/// - **Upgrade.** After the application writes `101`, it parses nothing more: every byte
///   already buffered past the request head, and every later byte, goes to the next
///   consumer in order (`HTTPUpgradeDelivery`).
/// - **Errors.** A malformed head is handed on as an error (answer it, then close); every
///   byte after it is dropped.
/// - **Half-close.** The input-closed event is handed on once every complete request
///   buffered before it has been handed on, so the application answers them and then closes
///   (S31: the server closes after answering).
public struct HTTPServerFramingStateMachine: Sendable {
    /// What to hand to the application next.
    public enum Action: Sendable, Hashable {
        case deliverHead(HTTPRequestHead)
        case deliverError(HTTPHeadError)
        /// Bytes after a 101 (only with `HTTPUpgradeDelivery.inline`).
        case deliverBytes(ByteBuffer)
        /// The peer will send nothing more.
        case deliverInputClosed
    }

    /// Where the connection stands.
    public enum Phase: Sendable, Hashable {
        /// Reading (or waiting for) the next request head.
        case readingHead
        /// A head was handed on; waiting for the final response head.
        case awaitingResponse
        /// A 101 was written; bytes go to the next consumer.
        case upgraded
        /// A head was malformed, or the bytes were handed off by removal: nothing more is read.
        case closed
    }

    /// Buffered bytes above which the handler stops asking the channel for more while it
    /// waits for the application.
    public static let readHighWatermark = 64 * 1024

    public private(set) var phase: Phase = .readingHead
    public let upgradeDelivery: HTTPUpgradeDelivery
    private var parser: HTTPRequestHeadParser
    private var input = HTTPFramingInput()
    private var bodyBytesToSkip = 0

    public init(configuration: HTTPHeadParserConfiguration = .requests, upgradeDelivery: HTTPUpgradeDelivery = .inline) {
        self.parser = HTTPRequestHeadParser(configuration: configuration)
        self.upgradeDelivery = upgradeDelivery
    }

    /// Bytes received and not yet handed on.
    public var bufferedByteCount: Int { input.buffer.readableBytes }

    /// Whether the handler should stop reading from the socket for now: much is buffered
    /// and only the application can make progress.
    public var shouldHoldReads: Bool {
        guard input.buffer.readableBytes >= Self.readHighWatermark else { return false }
        switch phase {
        case .awaitingResponse: return true
        case .upgraded: return upgradeDelivery == .onRemoval
        case .readingHead, .closed: return false
        }
    }

    /// Bytes arrived from the peer.
    public mutating func received(_ bytes: ByteBuffer) {
        if phase == .closed { return }
        input.append(bytes)
        skipBody()
    }

    /// The peer half-closed (or closed) its side.
    public mutating func inputDidClose() {
        input.close()
    }

    /// The application wrote a response head with `status`. Returns whether this may have
    /// made new actions available (so the shell should run `nextAction()` again).
    @discardableResult
    public mutating func responseHeadWritten(_ status: HTTPStatus) -> Bool {
        guard phase == .awaitingResponse else { return false }
        if status == .switchingProtocols {
            phase = .upgraded
            return true
        }
        if status.isInformational { return false }
        phase = .readingHead
        return true
    }

    /// The next thing to hand on, or `nil` when nothing can be handed on until more bytes
    /// arrive or the application answers.
    public mutating func nextAction() -> Action? {
        switch phase {
        case .closed:
            return inputClosedIfDue()
        case .awaitingResponse:
            return nil
        case .upgraded:
            guard upgradeDelivery == .inline else { return nil }
            if input.buffer.readableBytes > 0, bodyBytesToSkip == 0 {
                return .deliverBytes(input.takeBytes())
            }
            return inputClosedIfDue()
        case .readingHead:
            guard bodyBytesToSkip == 0, input.buffer.readableBytes > 0 else { return inputClosedIfDue() }
            let result = input.buffer.withUnsafeReadableBytes { parser.parse($0) }
            switch result {
            case .needMoreData:
                // At EOF a partial head can never complete: it is dropped.
                return inputClosedIfDue()
            case .complete(let head, let length):
                input.buffer.moveReaderIndex(forwardBy: length)
                parser.reset()
                phase = .awaitingResponse
                bodyBytesToSkip = head.contentLength ?? 0
                skipBody()
                return .deliverHead(head)
            case .failed(let error):
                phase = .closed
                input.buffer = ByteBuffer()
                return .deliverError(error)
            }
        }
    }

    /// Everything not handed on yet, for a handler leaving the pipeline: the bytes (after
    /// any body still being skipped) and whether an input-closed event is still owed. The
    /// machine reads nothing more afterwards.
    public mutating func takeLeftovers() -> (bytes: ByteBuffer?, inputClosed: Bool) {
        phase = .closed
        return input.takeLeftovers()
    }

    private mutating func skipBody() {
        guard bodyBytesToSkip > 0 else { return }
        let count = min(bodyBytesToSkip, input.buffer.readableBytes)
        input.buffer.moveReaderIndex(forwardBy: count)
        bodyBytesToSkip -= count
    }

    private mutating func inputClosedIfDue() -> Action? {
        input.takeInputClosedIfDue() ? .deliverInputClosed : nil
    }
}
