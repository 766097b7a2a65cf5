import NIOCore
import QVDCore

extension NIOAsyncChannel where Inbound == HTTPClientInbound, Outbound == HTTPClientOutbound {
    /// Closes a connection that was opened but is not used (a failed handshake, or one
    /// opened only to look at the certificate). NIO requires the outbound writer of a
    /// channel wrapped with `wrappingChannelSynchronously` to be finished before it goes
    /// away ("Deinited NIOAsyncWriter without calling finish()"), which `executeThenClose`
    /// does; closing `channel` alone does not.
    func closeUnused() async {
        try? await executeThenClose { _, _ in }
    }
}
