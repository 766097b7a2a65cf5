/// Identifies one RPC call waiting for its answer, so the shell can route a
/// ``SessionAction/reply(_:_:)`` to the right connection. The shell picks the values.
public struct SessionRequestID: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "request #\(rawValue)" }
}
