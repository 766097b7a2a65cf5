import NIOCore
import QVDCore

/// One request/response turn after another on the L7R connection
/// (`upstream-l7r-protocol.md` §0): writes a head, reads any number of `102 Processing`
/// (handing each `X-QVD-VM-Info` text to `progress`), then a final answer or a `101`.
/// After a `101` the same iterator yields the NX stream as `.bytes`.
public struct L7RExchange {
    public var inbound: NIOAsyncChannelInboundStream<HTTPClientInbound>.AsyncIterator
    public let outbound: NIOAsyncChannelOutboundWriter<HTTPClientOutbound>
    public let host: String
    /// With `-d`: receives `> GET /path` and `< 200 OK` lines (never headers, so never
    /// credentials).
    public var trace: ((String) -> Void)?

    public init(inbound: NIOAsyncChannelInboundStream<HTTPClientInbound>.AsyncIterator,
                outbound: NIOAsyncChannelOutboundWriter<HTTPClientOutbound>, host: String) {
        self.inbound = inbound
        self.outbound = outbound
        self.host = host
    }

    /// Sends `request` and returns the final answer (a `101` has an empty body).
    public mutating func perform(
        _ request: HTTPRequestHead, phase: ClientPhase, vmID: Int? = nil, progress: (String) -> Void
    ) async throws(ClientError) -> L7RResponse {
        trace?("> \(request.method) \(request.target)")
        do {
            try await outbound.write(.head(request))
        } catch {
            throw ClientError(.network, phase: phase, "cannot send the request to \(host): \(error)")
        }
        var lastProgress: String?
        var final: HTTPResponseHead?
        var body: [UInt8] = []
        while true {
            let next: HTTPClientInbound?
            do {
                next = try await inbound.next()
            } catch {
                if final == nil, lastProgress != nil || phase == .connectingVM {
                    throw L7RResponseMapper.closed(phase: phase, lastProgress: lastProgress, host: host)
                }
                throw ClientError(.network, phase: phase, "the connection to \(host) broke: \(error)")
            }
            guard let next else {
                throw L7RResponseMapper.closed(phase: phase, lastProgress: lastProgress, host: host)
            }
            if case .head(let head) = next { trace?("< \(head.status.code) \(head.reason)") }
            switch next {
            case .head(let head) where head.status.code == 102:
                let text = head.headers["X-QVD-VM-Info"] ?? "processing"
                lastProgress = text
                progress(text)
            case .head(let head) where head.status.code == 101:
                return L7RResponse(head: head, body: [])
            case .head(let head):
                final = head
            case .body(let bytes):
                body += Array(bytes.readableBytesView)
            case .end:
                guard let final else {
                    throw ClientError(.protocolError, phase: phase, "\(host) ended a response that never started")
                }
                return L7RResponse(head: final, body: body)
            case .bytes:
                throw ClientError(.protocolError, phase: phase, "\(host) sent stream bytes without switching protocols")
            case .error(let problem):
                throw L7RResponseMapper.malformed(phase: phase, vmID: vmID, problem: "\(problem)", host: host)
            }
        }
    }
}

@available(*, unavailable)
extension L7RExchange: Sendable {}
