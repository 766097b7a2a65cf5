import NIOCore
import QVDCore

/// The one connection to the L7R: TLS, then Core's HTTP framing, wrapped for async use.
public typealias L7RChannel = NIOAsyncChannel<HTTPClientInbound, HTTPClientOutbound>
