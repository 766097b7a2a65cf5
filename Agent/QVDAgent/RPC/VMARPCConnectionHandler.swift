import Logging
import NIOCore
import QVDCore

/// Answers the requests of one connection: the I/O shell of
/// `VMARPCConnectionStateMachine`. It sits after Core's `HTTPServerHeadHandler`, reads
/// request heads (or head errors) and writes replies through it.
///
/// - **SimpleRPC calls** (`upstream-vma.md` §1.4, `upstream-vma-observed.md` §3): the
///   service runs in a task off the event loop, so a slow call (x_start running hooks)
///   never holds up another connection. The answer is `HTTP/1.1 200 OK` with exactly
///   `Content-Type: application/json-simplerpc` and `Content-Length`; the head and the body
///   leave in two writes (Core flushes every head). A nil answer is `404`.
/// - **`afterReplySent`** runs in its own task once the reply's last write completed, that
///   is once the bytes are in the kernel's socket buffer, or once that write failed because
///   the caller went away: the caller asked for the action (poweroff), a lost reply must
///   not cancel it.
/// - **Errors** keep upstream's status lines and headers (`HTTPErrorResponse`: `text/plain`,
///   `Content-Length`, a body in our words) and its closing rule: 400/505 (and Core's
///   413/414/431/501) close, 404/426/500/503 keep the connection (§4.6).
/// - Every request is logged as one line (`VMARPCRequestLogEntry`).
final class VMARPCConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerInbound
    typealias OutboundOut = HTTPServerOutbound

    private let service: any VMARPCService
    private let configuration: VMARPCServerConfiguration
    private let logger: Logger
    private let redactor: LogRedactor

    private var machine = VMARPCConnectionStateMachine()
    private var context: ChannelHandlerContext?
    private var scheduledTimer: Scheduled<Void>?
    private var scheduledGeneration = -1
    /// The last reply write: closing waits for it, so a reply is never cut off.
    private var lastWrite: EventLoopFuture<Void>?
    private var peer = "-"
    private var requestStart = ContinuousClock.now
    /// The request being answered said `Connection: close` (HTTP/1.1 §9.6): close after
    /// its reply. Upstream ignored the header; clients that wait for the close would hang.
    private var closeAfterReply = false

    init(service: any VMARPCService, configuration: VMARPCServerConfiguration, logger: Logger, redactor: LogRedactor) {
        self.service = service
        self.configuration = configuration
        self.logger = logger
        self.redactor = redactor
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { becameActive(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        becameActive(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        machine.channelClosed()
        cancelTimer()
        context.fireChannelInactive()
    }

    /// Called by `VMARPCReadObserver` whenever bytes arrive.
    func bytesArrived() {
        guard let context else { return }
        machine.bytesReceived()
        syncTimer(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            requestStart = .now
            perform(machine.requestReceived(head, peerIsReading: context.channel.isWritable), context: context)
        case .error(let error):
            requestStart = .now
            perform(machine.malformedRequestReceived(error), context: context)
        case .bytes:
            // Only after a 101, which this server never sends.
            break
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            perform(machine.inputDidClose(), context: context)
        } else if event is ChannelShouldQuiesceEvent {
            perform(machine.quiesceRequested(), context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            perform(machine.peerStartedReading(), context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("RPC connection failed, closing it", metadata: ["peer": .string(peer), "error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: Actions

    private func becameActive(context: ChannelHandlerContext) {
        peer = VMARPCRequestLogEntry.describe(context.channel.remoteAddress)
        syncTimer(context: context)
    }

    private func perform(_ action: VMARPCConnectionStateMachine.Action?, context: ChannelHandlerContext) {
        switch action {
        case nil:
            break
        case .handle(let head):
            handle(head, context: context)
        case .answerMalformed(let error):
            let entry = VMARPCRequestLogEntry(
                peer: peer, httpMethod: nil, path: nil, status: error.status, duration: .zero,
                note: "line \(error.line): \(error.description)"
            )
            send(HTTPErrorResponse(error), entry: entry, context: context)
        case .close:
            afterPendingWrites(context: context) { $0.close(promise: nil) }
        case .closeOutputThenLinger:
            afterPendingWrites(context: context) { context in
                let promise = context.eventLoop.makePromise(of: Void.self)
                promise.futureResult.assumeIsolated().whenFailure { _ in context.close(promise: nil) }
                context.close(mode: .output, promise: promise)
            }
        }
        syncTimer(context: context)
    }

    private func handle(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        closeAfterReply = head.headers.containsToken("close", inFieldNamed: "Connection")
        var entry = VMARPCRequestLogEntry(
            peer: peer, httpMethod: head.method, path: head.rawPath, status: .ok, duration: .zero,
            parameters: head.queryParameters
        )
        let service = self.service
        switch VMARPCRoute(head: head) {
        case .notFound(let reason):
            entry.note = reason.description
            send(HTTPErrorResponse(status: .notFound), entry: entry, context: context)

        case .vncConnect(upgradeRequested: false):
            entry.rpcMethod = VMARPCRoute.vncConnectMethod
            entry.note = "no 'Connection: Upgrade' and 'Upgrade: VNC' headers"
            send(VMARPCVNCConnect.upgradeRequired, entry: entry, context: context)

        case .vncConnect(upgradeRequested: true):
            entry.rpcMethod = VMARPCRoute.vncConnectMethod
            context.write(wrapOutboundOut(.head(VMARPCVNCConnect.interimHead)), promise: nil)
            context.eventLoop.makeFutureWithTask { await service.reportedState() }
                .assumeIsolated().whenComplete { result in
                    let state = (try? result.get()) ?? "unknown"
                    entry.note = "session state \(state)"
                    self.send(VMARPCVNCConnect.finalResponse(forState: state), entry: entry, context: context)
                }

        case .call(let method, let parameters):
            entry.rpcMethod = method
            context.eventLoop.makeFutureWithTask { await service.call(method: method, parameters: parameters) }
                .assumeIsolated().whenComplete { result in
                    switch result {
                    case .success(let answer?):
                        self.send(answer, entry: entry, context: context)
                    case .success(nil):
                        entry.note = "no such method"
                        self.send(HTTPErrorResponse(status: .notFound), entry: entry, context: context)
                    case .failure(let error):
                        // The service cannot throw; only a cancelled task gets here.
                        entry.note = "\(error)"
                        self.send(HTTPErrorResponse(status: .internalServerError), entry: entry, context: context)
                    }
                }
        }
    }

    /// Writes a SimpleRPC reply, then schedules `afterReplySent`.
    private func send(_ answer: VMARPCAnswer, entry: VMARPCRequestLogEntry, context: ChannelHandlerContext) {
        var entry = entry
        if case .failure = answer.reply { entry.rpcResult = "error" } else { entry.rpcResult = "ok" }
        let body = answer.reply.body
        let head = HTTPResponseHead.withBody(
            status: .ok, contentType: SimpleRPCReply.contentType, contentLength: body.count
        )
        let written = write(head: head, body: context.channel.allocator.buffer(bytes: body), context: context)
        if let afterReplySent = answer.afterReplySent {
            written.whenComplete { _ in
                Task { await afterReplySent() }
            }
        }
        finish(entry: entry, status: .ok, closesConnection: closeAfterReply, context: context)
    }

    /// Writes an error reply (`text/plain`).
    private func send(_ response: HTTPErrorResponse, entry: VMARPCRequestLogEntry, context: ChannelHandlerContext) {
        _ = write(head: response.head, body: response.body, context: context)
        finish(entry: entry, status: response.head.status, closesConnection: response.closesConnection || closeAfterReply, context: context)
    }

    /// Head, then body: two writes (Core flushes the head at once). A reply that comes
    /// after the connection closed is dropped: the future fails.
    private func write(head: HTTPResponseHead, body: ByteBuffer, context: ChannelHandlerContext) -> EventLoopFuture<Void> {
        guard machine.state == .handling else {
            let failed: EventLoopFuture<Void> = context.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
            return failed
        }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        let written = context.writeAndFlush(wrapOutboundOut(.body(body)))
        lastWrite = written
        return written
    }

    private func finish(
        entry: VMARPCRequestLogEntry,
        status: HTTPStatus,
        closesConnection: Bool,
        context: ChannelHandlerContext
    ) {
        var entry = entry
        entry.status = status
        entry.duration = requestStart.duration(to: .now)
        if machine.state != .handling {
            entry.note = (entry.note.map { $0 + "; " } ?? "") + "connection closed before the reply"
        }
        entry.write(to: logger, redactor: redactor)
        perform(machine.replyFinished(closesConnection: closesConnection), context: context)
    }

    private func afterPendingWrites(context: ChannelHandlerContext, _ body: @escaping (ChannelHandlerContext) -> Void) {
        guard let lastWrite else {
            body(context)
            return
        }
        lastWrite.assumeIsolated().whenComplete { _ in body(context) }
    }

    // MARK: Timers

    /// Makes the running timer the one the state machine wants, restarted whenever the
    /// state changed.
    private func syncTimer(context: ChannelHandlerContext) {
        guard machine.generation != scheduledGeneration else { return }
        cancelTimer()
        scheduledGeneration = machine.generation
        guard let timer = machine.timer else { return }
        let generation = machine.generation
        scheduledTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(duration(of: timer))) {
            self.timerFired(timer, generation: generation, context: context)
        }
    }

    private func cancelTimer() {
        scheduledTimer?.cancel()
        scheduledTimer = nil
    }

    private func timerFired(
        _ timer: VMARPCConnectionStateMachine.Timer,
        generation: Int,
        context: ChannelHandlerContext
    ) {
        scheduledTimer = nil
        guard let action = machine.timerFired(generation: generation) else { return }
        switch timer {
        case .idle, .linger:
            logger.debug("closing RPC connection: \(timer) timeout", metadata: ["peer": .string(peer)])
        case .requestHead:
            logger.notice(
                "closing RPC connection: request head not complete after \(configuration.requestHeadTimeout)",
                metadata: ["peer": .string(peer)]
            )
        case .stalled:
            logger.notice(
                "closing RPC connection: the client has not read its replies for \(configuration.idleTimeout)",
                metadata: ["peer": .string(peer)]
            )
        }
        perform(action, context: context)
    }

    private func duration(of timer: VMARPCConnectionStateMachine.Timer) -> Duration {
        switch timer {
        case .idle, .stalled: configuration.idleTimeout
        case .requestHead: configuration.requestHeadTimeout
        case .linger: configuration.closeLingerTimeout
        }
    }
}

@available(*, unavailable)
extension VMARPCConnectionHandler: Sendable {}
