/// How the framing handlers hand on the bytes that follow a `101 Switching Protocols`.
///
/// Either way every byte read past the 101's head reaches the next consumer once, in
/// order: upstream's Perl client reads heads one byte at a time so that nothing past the
/// blank line is consumed (`upstream-slave-channel.md` §2.1); we read in bulk and pass the
/// surplus on instead.
public enum HTTPUpgradeDelivery: Sendable, Hashable {
    /// The handler stays in the pipeline and sends the bytes up as `.bytes(ByteBuffer)`
    /// messages: the buffered ones first, then each later read. Suits a consumer that
    /// reads the handler's messages (an `NIOAsyncChannel`, or a handler that bridges).
    case inline
    /// The handler holds the bytes until it is removed from the pipeline
    /// (`pipeline.removeHandler`), then fires them as a plain `ByteBuffer` read to the
    /// handler after it, followed by any input-closed event it held: NIO's usual
    /// "remove the decoder, forward leftovers" upgrade (`HTTPDecoder(leftOverBytesStrategy:
    /// .forwardBytes)`). Add the new protocol's handler first, then remove this one.
    case onRemoval
}
