import QVDCore

/// A final answer of the L7R: its head and (for non-101 answers) its body.
public struct L7RResponse: Sendable, Hashable {
    public var head: HTTPResponseHead
    public var body: [UInt8]
}
