import NIOCore
import NIOPosix
import QVDCore

/// After the `101`: the local listener nxproxy connects to, and the byte pump between
/// that connection and the TLS stream (`upstream-l7r-protocol.md` §6.1). The bytes read
/// past the 101 come first, because the framing handler hands them on as the first
/// `.bytes` messages of the same stream.
public enum SessionBridge {
    /// How long nxproxy gets to connect (Perl waits 10 s).
    public static let acceptTimeout: Duration = .seconds(10)

    public typealias LocalChannel = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    /// Binds `127.0.0.1:0` (the kernel's ephemeral ports are above 4000, as the
    /// `localhost:<P-4000>` form needs).
    public static func listen(group: any EventLoopGroup) async throws(ClientError) -> NIOAsyncChannel<LocalChannel, Never> {
        do {
            return try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: "127.0.0.1", port: 0) { child in
                    child.eventLoop.makeCompletedFuture { try LocalChannel(wrappingChannelSynchronously: child) }
                }
        } catch {
            throw ClientError(.nxproxy, phase: .session, "cannot listen on 127.0.0.1 for nxproxy: \(error)")
        }
    }

    /// Accepts the one connection of the local proxy, then closes the listener.
    public static func acceptOne(_ listener: NIOAsyncChannel<LocalChannel, Never>, timeout: Duration = acceptTimeout) async throws(ClientError) -> LocalChannel {
        let server = listener.channel
        let timer = Task {
            try await Task.sleep(for: timeout)
            server.close(promise: nil)
        }
        defer { timer.cancel() }
        let accepted: LocalChannel?
        do {
            accepted = try await listener.executeThenClose { inbound in
                var iterator = inbound.makeAsyncIterator()
                return try await iterator.next()
            }
        } catch {
            throw ClientError(.nxproxy, phase: .session, "nxproxy did not connect: \(error)")
        }
        guard let accepted else {
            throw ClientError(.nxproxy, phase: .session, "nxproxy did not connect within \(timeout)",
                              hint: "run with -d to see nxproxy's messages")
        }
        return accepted
    }

    /// A free local TCP port (for nxproxy's `slave=`).
    public static func freePort(group: any EventLoopGroup) async -> Int? {
        guard let channel = try? await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get() else { return nil }
        let port = channel.localAddress?.port
        try? await channel.close()
        return port
    }

    /// Pumps bytes both ways until either side closes, nxproxy exits, or the interrupter
    /// closes the TLS channel. Returns the first of these.
    public static func run(
        exchange: inout L7RExchange, tlsChannel: any Channel, local: LocalChannel,
        nxproxy: (any NXProxyProcess)?, interrupter: SessionInterrupter
    ) async -> SessionEnd {
        let recorder = SessionEndRecorder()
        let tlsOut = exchange.outbound
        let localChannel = local.channel
        do {
            try await local.executeThenClose { localIn, localOut in
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            for try await chunk in localIn { try await tlsOut.write(.body(chunk)) }
                        } catch {}
                        recorder.record(.localClosed)
                        // Let what was queued reach the server before closing.
                        try? await tlsChannel.writeAndFlush(HTTPClientOutbound.body(ByteBuffer())).get()
                        try? await tlsChannel.close()
                    }
                    if let nxproxy {
                        group.addTask {
                            let how = await nxproxy.waitForExit()
                            recorder.record(.nxproxyExited(how))
                            tlsChannel.close(promise: nil)
                        }
                    }
                    do {
                        while let message = try await exchange.inbound.next() {
                            if case .bytes(let bytes) = message { try await localOut.write(bytes) }
                        }
                    } catch {}
                    recorder.record(interrupter.wasInterrupted ? .interrupted : .serverClosed)
                    localChannel.close(promise: nil)
                    if let nxproxy { await nxproxy.stop() }
                    group.cancelAll()
                    await group.waitForAll()
                }
            }
        } catch {}
        return recorder.end ?? .serverClosed
    }
}
