import QVDCore

/// The life of one RPC connection as a plain value: events in, at most one action out, and
/// which timer should be running (STYLE 1). `VMARPCConnectionHandler` is its I/O shell.
///
/// Rules:
/// - **One request at a time** (Core's framing hands on the next head only after the final
///   reply head), so replies on a connection keep the order of its requests.
/// - **Timers.** Waiting for a request with no byte of it yet: the idle timer. Once a byte
///   arrived: the head timer, which keeps running however slowly bytes trickle in, so a
///   client sending one byte a second holds its connection only that long. While a request
///   is being answered: none (the service may take as long as its hooks do).
/// - **A peer that does not read.** A request that arrives while the peer has not read our
///   earlier replies (the channel is not writable) waits, under the idle timer, until it
///   does: replies never pile up in memory.
/// - **Closing.** 400/505 and the other framing errors: shut our side after the reply and
///   linger (reading and dropping) until the peer closes or the linger timer fires; then
///   close. After a client half-close (S31) or a shutdown request: answer the request in
///   progress, then close; idle connections close at once.
struct VMARPCConnectionStateMachine: Sendable {
    enum State: Sendable, Hashable {
        /// Ready for the next request; `bytesSeen` once a byte of it arrived.
        case awaitingRequest(bytesSeen: Bool)
        /// A request arrived while the peer was not reading our replies.
        case stalled(HTTPRequestHead)
        /// A request is being answered.
        case handling
        /// Our side is shut after an error reply; waiting for the peer to close.
        case lingering
        case closed
    }

    enum Timer: Sendable, Hashable {
        case idle
        case requestHead
        case stalled
        case linger
    }

    enum Action: Sendable, Hashable {
        /// Route and answer this request.
        case handle(HTTPRequestHead)
        /// Answer a malformed head with its error (which closes).
        case answerMalformed(HTTPHeadError)
        /// Close the connection once what was written has gone out.
        case close
        /// Shut our side once what was written has gone out, and linger.
        case closeOutputThenLinger
    }

    private(set) var state: State = .awaitingRequest(bytesSeen: false)
    /// Bumped on every change of state: a timer belongs to the generation it was set in.
    private(set) var generation = 0
    private var inputClosed = false
    private var quiescing = false
    private var bytesWhileHandling = false

    /// The timer that should be running now, if any.
    var timer: Timer? {
        switch state {
        case .awaitingRequest(let bytesSeen): bytesSeen ? .requestHead : .idle
        case .stalled: .stalled
        case .lingering: .linger
        case .handling, .closed: nil
        }
    }

    /// Bytes arrived from the peer (before Core's framing looked at them).
    mutating func bytesReceived() {
        switch state {
        case .awaitingRequest(bytesSeen: false):
            enter(.awaitingRequest(bytesSeen: true))
        case .handling, .stalled:
            bytesWhileHandling = true
        case .awaitingRequest(bytesSeen: true), .lingering, .closed:
            break
        }
    }

    /// Core's framing handed on a request head.
    mutating func requestReceived(_ head: HTTPRequestHead, peerIsReading: Bool) -> Action? {
        switch state {
        case .awaitingRequest:
            bytesWhileHandling = false
            if peerIsReading {
                enter(.handling)
                return .handle(head)
            }
            enter(.stalled(head))
            return nil
        case .handling, .stalled:
            // Core's framing never hands on a second head before the first is answered.
            enter(.closed)
            return .close
        case .lingering, .closed:
            return nil
        }
    }

    /// Core's framing found a malformed head.
    mutating func malformedRequestReceived(_ error: HTTPHeadError) -> Action? {
        switch state {
        case .awaitingRequest, .stalled, .handling:
            enter(.handling)
            return .answerMalformed(error)
        case .lingering, .closed:
            return nil
        }
    }

    /// The peer read enough of our replies for us to write again.
    mutating func peerStartedReading() -> Action? {
        guard case .stalled(let head) = state else { return nil }
        enter(.handling)
        return .handle(head)
    }

    /// The final reply to the current request was written (handed to the channel).
    mutating func replyFinished(closesConnection: Bool) -> Action? {
        guard state == .handling else { return nil }
        if closesConnection {
            if inputClosed {
                enter(.closed)
                return .close
            }
            enter(.lingering)
            return .closeOutputThenLinger
        }
        if inputClosed || quiescing {
            enter(.closed)
            return .close
        }
        enter(.awaitingRequest(bytesSeen: bytesWhileHandling))
        bytesWhileHandling = false
        return nil
    }

    /// The peer will send nothing more (after every complete request it sent was handed on).
    mutating func inputDidClose() -> Action? {
        inputClosed = true
        switch state {
        case .awaitingRequest, .lingering:
            enter(.closed)
            return .close
        case .handling, .stalled, .closed:
            // A stalled request is still answered once the peer reads (S31: answer, then close).
            return nil
        }
    }

    /// The server is shutting down: finish the request in progress, then close.
    mutating func quiesceRequested() -> Action? {
        quiescing = true
        switch state {
        case .awaitingRequest, .stalled:
            enter(.closed)
            return .close
        case .handling, .lingering, .closed:
            return nil
        }
    }

    /// The timer set in `generation` fired.
    mutating func timerFired(generation firedGeneration: Int) -> Action? {
        guard firedGeneration == generation, timer != nil else { return nil }
        enter(.closed)
        return .close
    }

    /// The channel is closed.
    mutating func channelClosed() {
        if state != .closed { enter(.closed) }
    }

    private mutating func enter(_ next: State) {
        state = next
        generation &+= 1
    }
}
