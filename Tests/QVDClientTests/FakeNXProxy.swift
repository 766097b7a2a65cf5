import Foundation
import NIOCore
import NIOPosix
@testable import QVDClient

/// Stands in for `nxproxy`: connects to the client's local listener itself, sends
/// `toSend`, reads `expect` bytes, waits until the fake L7R has everything, then closes.
final class FakeNXProxy: NXProxyLauncher, @unchecked Sendable {
    let toSend: [UInt8]
    let expect: Int
    let serverReceived: @Sendable () -> Int
    private let lock = NSLock()
    private var got: [UInt8] = []
    private var ports: (Int, Int?)?
    private var keyDuringSession: String?
    let keyPath: String

    init(toSend: [UInt8], expect: Int, keyPath: String, serverReceived: @escaping @Sendable () -> Int) {
        self.toSend = toSend
        self.expect = expect
        self.keyPath = keyPath
        self.serverReceived = serverReceived
    }

    var received: [UInt8] { lock.withLock { got } }
    var launchedWith: (Int, Int?)? { lock.withLock { ports } }
    var slaveKeySeen: String? { lock.withLock { keyDuringSession } }

    func launch(listenerPort: Int, slavePort: Int?) async throws(ClientError) -> any NXProxyProcess {
        let key = try? String(contentsOfFile: keyPath, encoding: .utf8)
        lock.withLock {
            ports = (listenerPort, slavePort)
            keyDuringSession = key
        }
        let toSend = toSend, expect = expect, serverReceived = serverReceived
        Task {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: listenerPort) { channel in
                    channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
                }
            try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(bytes: toSend))
                var bytes: [UInt8] = []
                for try await chunk in inbound {
                    bytes += chunk.readableBytesView
                    if bytes.count >= expect { break }
                }
                let copy = bytes
                self.lock.withLock { self.got = copy }
                let deadline = ContinuousClock.now + .seconds(10)
                while serverReceived() < toSend.count, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
        }
        return IdleProcess()
    }
}

/// A "process" that runs until stopped (cancelled).
struct IdleProcess: NXProxyProcess {
    func waitForExit() async -> String {
        try? await Task.sleep(for: .seconds(3600))
        return "fake nxproxy stopped"
    }

    func stop() async {}
}

/// A launcher that must not be called.
struct NoNXProxy: NXProxyLauncher {
    func launch(listenerPort: Int, slavePort: Int?) async throws(ClientError) -> any NXProxyProcess {
        throw ClientError(.nxproxy, phase: .session, "not expected in this test")
    }
}
