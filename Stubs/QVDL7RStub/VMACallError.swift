/// A failed RPC call to a VMA: which VMA, which method, and what went wrong.
public struct VMACallError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// No TCP connection (refused, unreachable, …).
        case connect(String)
        /// No complete answer within the call's time limit.
        case timedOut
        /// An HTTP status other than 200, with the body's text.
        case status(Int, String)
        /// The answer could not be read as HTTP or as simplerpc.
        case malformed(String)
    }

    public var host: String
    public var port: Int
    public var method: String
    public var kind: Kind

    public init(host: String, port: Int, method: String, kind: Kind) {
        self.host = host
        self.port = port
        self.method = method
        self.kind = kind
    }

    public var description: String {
        let target = "VMA \(host):\(port) \(method)"
        switch kind {
        case .connect(let detail): return "\(target): cannot connect (\(detail)); is qvd-vma running there?"
        case .timedOut: return "\(target): no answer in time"
        case .status(let code, let body): return "\(target): HTTP \(code) \(body)"
        case .malformed(let detail): return "\(target): unreadable answer (\(detail))"
        }
    }
}
