import NIOCore

/// The received-bytes side shared by `HTTPClientFramingStateMachine` and
/// `HTTPServerFramingStateMachine`: bytes not handed on yet, and the peer's half-close,
/// handed on exactly once, either as an action or as a leftover at removal.
struct HTTPFramingInput: Sendable {
    /// Received bytes not handed on yet; starts at the current head's first byte.
    var buffer = ByteBuffer()
    /// The peer half-closed (or closed) its side.
    private(set) var inputClosed = false
    private var inputClosedDelivered = false

    /// Appends bytes from the peer, reclaiming space already read once it is large.
    mutating func append(_ bytes: ByteBuffer) {
        if buffer.readableBytes == 0 {
            buffer = bytes
        } else {
            if buffer.readerIndex > 16 * 1024 { buffer.discardReadBytes() }
            var bytes = bytes
            buffer.writeBuffer(&bytes)
        }
    }

    mutating func close() {
        inputClosed = true
    }

    /// Every buffered byte, leaving the buffer empty.
    mutating func takeBytes() -> ByteBuffer {
        let bytes = buffer
        buffer = ByteBuffer()
        return bytes
    }

    /// Whether the input-closed event is due now (the peer closed and it was not handed
    /// on yet); it is then counted as handed on.
    mutating func takeInputClosedIfDue() -> Bool {
        guard inputClosed, !inputClosedDelivered else { return false }
        inputClosedDelivered = true
        return true
    }

    /// Everything not handed on yet, for a handler leaving the pipeline: the bytes and
    /// whether an input-closed event is still owed.
    mutating func takeLeftovers() -> (bytes: ByteBuffer?, inputClosed: Bool) {
        let bytes = buffer.readableBytes > 0 ? buffer : nil
        buffer = ByteBuffer()
        let owed = inputClosed && !inputClosedDelivered
        inputClosedDelivered = true
        return (bytes, owed)
    }
}
