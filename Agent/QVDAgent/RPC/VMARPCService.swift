import QVDCore

/// What the RPC server asks of the agent: one call per `GET /vma/<method>` request
/// (upstream-vma.md §1.3–1.5). The server owns HTTP (framing, routing, status codes);
/// the service owns meaning. Tests give the server a fake service.
public protocol VMARPCService: Sendable {
    /// Runs a SimpleRPC method (`ping`, `x_state`, `x_start`, `x_suspend`, `x_stop`,
    /// `poweroff`, `expire`) with the request's query parameters in the order received.
    /// Returns nil when no such method exists (the server answers 404).
    func call(method: String, parameters: [QueryParameter]) async -> VMARPCAnswer?

    /// The reported session state, for `vnc_connect`'s checks (upstream-vma.md §1.7).
    func reportedState() async -> String
}

/// A SimpleRPC reply plus work to do once it has been written to the caller: `poweroff`
/// answers first and shuts the machine down afterwards (spec README, deliberate fix 3).
public struct VMARPCAnswer: Sendable {
    public var reply: SimpleRPCReply
    public var afterReplySent: (@Sendable () async -> Void)?

    public init(_ reply: SimpleRPCReply, afterReplySent: (@Sendable () async -> Void)? = nil) {
        self.reply = reply
        self.afterReplySent = afterReplySent
    }
}
