import Foundation
import Logging
import NIOCore
import NIOPosix
import QVDL7RStub

/// A running stub on a free loopback port with TLS (a self-signed pair made in a temp dir),
/// a FAKE VMA and a FAKE nxagent echo server, torn down afterwards.
struct StubFixture {
    static let alicePassword = "PASSWORD"
    static let aliceToken = "tok-alice-123"

    let group: any EventLoopGroup
    let server: L7RServer
    let vma: FakeVMA
    let nx: FakeNXEchoServer
    let tls: Bool
    let fingerprint: String?

    var basicAlice: String {
        "Basic " + Data("alice:\(Self.alicePassword)".utf8).base64EncodedString()
    }

    func client() async throws -> RawTestClient {
        try await RawTestClient(port: server.port, tls: tls, group: group)
    }

    static func accounts(vmaPort: Int, nxPort: Int) -> L7RAccounts {
        L7RAccounts(
            users: [
                L7RUser(login: "alice", password: .make(secret: alicePassword),
                        tokens: ["laptop": .make(secret: aliceToken)]),
                L7RUser(login: "bob", password: .make(secret: "bobpw")),
            ],
            machines: [
                L7RVirtualMachine(id: 1, name: "Desktop-1", owner: "alice", vmaHost: "127.0.0.1", vmaPort: vmaPort,
                                  nxHost: "127.0.0.1", nxPort: nxPort,
                                  properties: [("qvd.client.geometry", "1024x768"), ("custom.site", "lab")]),
                L7RVirtualMachine(id: 2, name: "Desktop-2", owner: "alice", initialState: "stopped",
                                  vmaHost: "127.0.0.1", vmaPort: vmaPort, nxHost: "127.0.0.1", nxPort: nxPort),
                L7RVirtualMachine(id: 3, name: "Blocked", owner: "alice", vmaHost: "127.0.0.1", vmaPort: vmaPort,
                                  nxHost: "127.0.0.1", nxPort: nxPort, blocked: true, isApplication: true),
                L7RVirtualMachine(id: 4, name: "Bobs", owner: "bob", vmaHost: "127.0.0.1", vmaPort: vmaPort,
                                  nxHost: "127.0.0.1", nxPort: nxPort),
                // No VMA listens on port 1: every x_start fails to connect.
                L7RVirtualMachine(id: 5, name: "NoVMA", owner: "alice", vmaHost: "127.0.0.1", vmaPort: 1,
                                  nxHost: "127.0.0.1", nxPort: nxPort, isApplication: true),
            ])
    }

    /// `accounts` replaces the default users and VMs (`accounts(vmaPort:nxPort:)`); it
    /// gets the fake VMA's and the fake nxagent's ports.
    static func with(tls: Bool = true, vmaFinalState: String = "listening",
                     accounts makeAccounts: ((_ vmaPort: Int, _ nxPort: Int) -> L7RAccounts)? = nil,
                     _ body: (StubFixture) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("l7r-stub-test-\(UUID().uuidString)").path
        do {
            let vma = try await FakeVMA(group: group, finalState: vmaFinalState)
            let nx = try await FakeNXEchoServer(group: group)
            let material = tls ? try await L7RTLSMaterial.selfSigned(in: directory).material : nil
            let configuration = L7RStubConfiguration(
                address: "127.0.0.1", port: 0, useSSL: tls, stateDirectory: directory,
                // Polls are quick. The x_start limit has headroom (on a loaded CI machine three
                // 20 ms polls once took over 2 s) but stays short: replays of recorded
                // start timeouts wait it out.
                timing: L7RTiming(vmaCallTimeout: .seconds(2), xStartRetries: 2, xPollInterval: .milliseconds(20),
                                  xStartTimeout: .seconds(5), vmPollInterval: .milliseconds(20)),
                accounts: (makeAccounts ?? Self.accounts(vmaPort:nxPort:))(vma.port, nx.port))
            var logger = Logger(label: "l7r-stub-test")
            logger.logLevel = .critical
            let server = try await L7RServer.bind(configuration: configuration, tls: material, group: group, logger: logger)
            let serverTask = Task { try? await server.run() }
            let vmaTask = Task { await vma.run() }
            let fixture = StubFixture(group: group, server: server, vma: vma, nx: nx, tls: tls,
                                      fingerprint: material?.fingerprint)
            do {
                try await body(fixture)
            } catch {
                await server.close(); await vma.close(); await nx.close()
                serverTask.cancel(); vmaTask.cancel()
                try? await group.shutdownGracefully()
                try? FileManager.default.removeItem(atPath: directory)
                throw error
            }
            await server.close(); await vma.close(); await nx.close()
            serverTask.cancel(); vmaTask.cancel()
        }
        try? await group.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
