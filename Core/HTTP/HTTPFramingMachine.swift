import NIOCore

/// What `HTTPFramingHandlerCore` needs of a framing state machine: the common shape of
/// `HTTPClientFramingStateMachine` and `HTTPServerFramingStateMachine`.
protocol HTTPFramingMachine {
    associatedtype Action
    /// What the handler hands to the next handler.
    associatedtype Inbound

    var shouldHoldReads: Bool { get }
    mutating func received(_ bytes: ByteBuffer)
    mutating func inputDidClose()
    mutating func nextAction() -> Action?
    mutating func takeLeftovers() -> (bytes: ByteBuffer?, inputClosed: Bool)

    /// The message for `action`, or `nil` when `action` is the input-closed event.
    static func inbound(for action: Action) -> Inbound?
}

extension HTTPClientFramingStateMachine: HTTPFramingMachine {
    static func inbound(for action: Action) -> HTTPClientInbound? {
        switch action {
        case .deliverHead(let head): .head(head)
        case .deliverBody(let bytes): .body(bytes)
        case .deliverEnd: .end
        case .deliverBytes(let bytes): .bytes(bytes)
        case .deliverError(let error): .error(error)
        case .deliverInputClosed: nil
        }
    }
}

extension HTTPServerFramingStateMachine: HTTPFramingMachine {
    static func inbound(for action: Action) -> HTTPServerInbound? {
        switch action {
        case .deliverHead(let head): .head(head)
        case .deliverError(let error): .error(error)
        case .deliverBytes(let bytes): .bytes(bytes)
        case .deliverInputClosed: nil
        }
    }
}
