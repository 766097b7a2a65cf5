/// Opens the byte stream one slave request (and, after a `101`, its share) runs over.
///
/// The one interface between the slave protocol and how bytes reach the other side
/// (issue 5): today the NX slave channel (``NXSlaveChannelTransport``); a faster transport
/// for bulk file traffic (`nx-slave-channel-limits.md` §1: the NX channel tops out at a few
/// MB/s) only has to conform.
public protocol SlaveTransport: Sendable {
    /// A connected stream socket; the caller owns and closes it.
    func openStream() throws(SlaveError) -> Int32
    /// Says where the stream goes, for messages.
    var endpointDescription: String { get }
}
