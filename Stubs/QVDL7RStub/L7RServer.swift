import Logging
import NIOCore
import NIOPosix
import NIOSSL
import QVDCore

/// The stub L7R: a listening socket (TLS via NIOSSL, or plain TCP when `l7r.use_ssl = 0`,
/// `upstream-l7r-protocol.md` §1.1) whose connections `L7RConnectionServer` serves.
///
/// ```swift
/// let server = try await L7RServer.bind(configuration: config, tls: material, group: group, logger: logger)
/// print(server.port)
/// try await server.run()      // until `close()` or cancellation
/// ```
public final class L7RServer: Sendable {
    /// The port actually bound (useful with port 0).
    public let port: Int
    public let runtime: L7RVMRuntime
    private let listener: NIOAsyncChannel<NIOAsyncChannel<HTTPServerInbound, HTTPServerOutbound>, Never>
    private let connections: L7RConnectionServer

    private init(port: Int, runtime: L7RVMRuntime,
                 listener: NIOAsyncChannel<NIOAsyncChannel<HTTPServerInbound, HTTPServerOutbound>, Never>,
                 connections: L7RConnectionServer) {
        self.port = port
        self.runtime = runtime
        self.listener = listener
        self.connections = connections
    }

    /// Binds the listening socket. `tls` must be given when `configuration.useSSL`.
    public static func bind(configuration: L7RStubConfiguration, tls: L7RTLSMaterial?,
                            group: any EventLoopGroup, logger: Logger) async throws -> L7RServer {
        let sslContext: NIOSSLContext?
        if configuration.useSSL {
            guard let tls else {
                throw L7RTLSError(path: configuration.stateDirectory, problem: "l7r.use_ssl is on but no certificate was loaded")
            }
            sslContext = tls.context
        } else {
            sslContext = nil
        }
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.bindAddress, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try channel.pipeline.syncOperations.addHandler(HTTPServerHeadHandler(upgradeDelivery: .onRemoval))
                    return try NIOAsyncChannel<HTTPServerInbound, HTTPServerOutbound>(wrappingChannelSynchronously: channel)
                }
            }
        let runtime = L7RVMRuntime(accounts: configuration.accounts)
        let connections = L7RConnectionServer(
            router: L7RRouter(accounts: configuration.accounts), runtime: runtime,
            timing: configuration.timing, group: group, logger: logger)
        return L7RServer(port: listener.channel.localAddress?.port ?? configuration.port, runtime: runtime,
                         listener: listener, connections: connections)
    }

    /// Accepts and serves connections until the listener is closed.
    public func run() async throws {
        let connections = connections
        try await listener.executeThenClose { inbound in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in inbound {
                    group.addTask { await connections.serve(connection) }
                }
            }
        }
    }

    /// Stops accepting connections (open ones go on until they end).
    public func close() async {
        try? await listener.channel.close()
    }
}
