import NIOCore
import NIOPosix
import QVDCore
import Synchronization

/// A FAKE VMA for the tests (not the real qvd-vma): a tiny NIO server answering
/// `GET /vma/x_start` with simplerpc `"starting"` and `GET /vma/x_state` with `"starting"`
/// for the first `startingPolls` calls, then `"listening"`. It records every call.
final class FakeVMA: Sendable {
    struct Call: Sendable, Equatable {
        var method: String
        var parameters: [QueryParameter]
    }

    let port: Int
    private let listener: NIOAsyncChannel<NIOAsyncChannel<HTTPServerInbound, HTTPServerOutbound>, Never>
    private let state: Mutex<(calls: [Call], statePolls: Int)>
    private let startingPolls: Int
    private let finalState: String

    var calls: [Call] { state.withLock { $0.calls } }

    init(group: any EventLoopGroup, startingPolls: Int = 2, finalState: String = "listening") async throws {
        listener = try await ServerBootstrap(group: group)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(HTTPServerHeadHandler())
                    return try NIOAsyncChannel<HTTPServerInbound, HTTPServerOutbound>(wrappingChannelSynchronously: channel)
                }
            }
        port = listener.channel.localAddress?.port ?? 0
        state = Mutex((calls: [], statePolls: 0))
        self.startingPolls = startingPolls
        self.finalState = finalState
    }

    func run() async {
        try? await listener.executeThenClose { inbound in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in inbound {
                    group.addTask { try? await self.serve(connection) }
                }
            }
        }
    }

    func close() async { try? await listener.channel.close() }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerInbound, HTTPServerOutbound>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            for try await message in inbound {
                guard case .head(let head) = message else { return }
                let method = String(head.rawPath.dropFirst("/vma/".count))
                let reply: SimpleRPCReply = state.withLock { state in
                    state.calls.append(Call(method: method, parameters: head.queryParameters))
                    switch method {
                    case "x_start": return .success(.string("starting"))
                    case "x_state":
                        state.statePolls += 1
                        return .success(.string(state.statePolls > startingPolls ? finalState : "starting"))
                    default: return .perlDie("unknown method \(method)")
                    }
                }
                let body = ByteBuffer(bytes: reply.body)
                try await outbound.write(.head(.withBody(status: .ok, contentType: SimpleRPCReply.contentType,
                                                         contentLength: body.readableBytes)))
                try await outbound.write(.body(body))
            }
        }
    }
}
