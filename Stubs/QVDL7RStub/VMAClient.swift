import NIOCore
import NIOPosix
import QVDCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Calls a VMA's SimpleRPC methods the way the L7R does (`upstream-vma.md` §1.1, §1.8):
/// `GET /vma/<method>?<parameters>` over plain HTTP/1.1, one new TCP connection per call,
/// closed after the first complete reply. (A fresh connection also keeps the stub clear of
/// the VMA's second `200` on an `x_start` socket, `upstream-vma-observed.md`.)
public struct VMAClient: Sendable {
    public var host: String
    public var port: Int
    /// The whole call's limit (`internal.l7r.timeout.vma`).
    public var timeout: Duration
    public var group: any EventLoopGroup

    public init(host: String, port: Int, timeout: Duration, group: any EventLoopGroup) {
        self.host = host
        self.port = port
        self.timeout = timeout
        self.group = group
    }

    /// Calls `method` with `parameters` (in order) and returns its simplerpc reply.
    public func call(_ method: String, _ parameters: [L7RParameter]) async throws(VMACallError) -> SimpleRPCReply {
        func failure(_ kind: VMACallError.Kind) -> VMACallError {
            VMACallError(host: host, port: port, method: method, kind: kind)
        }
        let channel: NIOAsyncChannel<HTTPClientInbound, HTTPClientOutbound>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(TimeAmount(timeout))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(HTTPClientHeadHandler())
                        return try NIOAsyncChannel<HTTPClientInbound, HTTPClientOutbound>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw failure(.connect(ConnectFailureReason.describe(error)))
        }
        let raw = channel.channel
        let timedOut = TimeoutFlag()
        let timer = raw.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            timedOut.set()
            raw.close(promise: nil)
        }
        defer { timer.cancel() }
        let query = parameters.isEmpty ? "" : "?" + QueryString.encode(parameters.map { QueryParameter($0.name, $0.value) })
        let outcome: VMAAnswer
        do {
            outcome = try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(.head(HTTPRequestHead(method: "GET", target: "/vma/\(method)\(query)")))
                var status: HTTPStatus?
                var body: [UInt8] = []
                for try await part in inbound {
                    switch part {
                    case .head(let head):
                        if !head.status.isInformational { status = head.status }
                    case .body(let bytes):
                        body += bytes.readableBytesView
                    case .end:
                        guard let status else { return VMAAnswer.broken(.malformed("no final status")) }
                        return VMAAnswer.reply(status, body)
                    case .error(let error):
                        return VMAAnswer.broken(.malformed(error.description))
                    case .bytes:
                        break
                    }
                }
                return VMAAnswer.broken(timedOut.isSet ? .timedOut : .malformed("connection closed before the reply ended"))
            }
        } catch {
            throw failure(timedOut.isSet ? .timedOut : .malformed("\(error)"))
        }
        switch outcome {
        case .broken(let kind):
            throw failure(kind)
        case .reply(let status, let body):
            guard status == .ok else {
                throw failure(.status(status.code, String(decoding: body.prefix(200), as: UTF8.self)))
            }
            do {
                return try SimpleRPCReply.decode(body: body)
            } catch {
                throw failure(.malformed("\(error)"))
            }
        }
    }
}

/// What one exchange with the VMA gave.
enum VMAAnswer: Sendable {
    case reply(HTTPStatus, [UInt8])
    case broken(VMACallError.Kind)
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
