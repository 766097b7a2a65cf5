import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Testing
@testable import QVDClient

/// Client certificates (`-c`/`-k`, `client.ssl.cert_file`/`key_file`) against a TLS 1.2
/// server that, like an L7R configured for them, refuses clients without one it trusts;
/// and `-n`, which connects to any server with a warning.
@Suite(.serialized) struct ClientCertificateTests {
    /// A TLS 1.2 server (upstream's L7R is TLS 1.2 only) that requires a client
    /// certificate signed by `clientCA` and answers every request with the VM list.
    final class Server: @unchecked Sendable {
        let channel: any Channel
        let port: Int
        let fingerprint: CertificateFingerprint
        private let lock = NSLock()
        private var seen: [String] = []
        var clientSubjects: [String] { lock.withLock { seen } }

        init(files: TestCertificates, clientCA: NIOSSLCertificate) async throws {
            let certificate = try files.certificate("server")
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: [.certificate(certificate)],
                privateKey: .privateKey(try NIOSSLPrivateKey(file: files.path("server.key"), format: .pem)))
            tls.minimumTLSVersion = .tlsv12
            tls.maximumTLSVersion = .tlsv12
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .certificates([clientCA])
            let context = try NIOSSLContext(configuration: tls)
            fingerprint = CertificateFingerprint(derCertificate: try certificate.toDERBytes())
            let body = QVDClientSessionTests.listBody
            let recorder = Recorder()
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { child in
                    child.eventLoop.makeCompletedFuture {
                        try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                        try child.pipeline.syncOperations.addHandler(ListAnswerer(body: body, recorder: recorder))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            port = try unwrap(channel.localAddress?.port)
            recorder.server = self
        }

        func record(_ subject: String) { lock.withLock { seen.append(subject) } }
        func stop() async { try? await channel.close() }
    }

    final class Recorder: @unchecked Sendable {
        weak var server: Server?
    }

    final class ListAnswerer: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let body: String
        let recorder: Recorder
        var pending = ""

        init(body: String, recorder: Recorder) {
            self.body = body
            self.recorder = recorder
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pending += String(buffer: unwrapInboundIn(data))
            guard pending.contains("\r\n\r\n") else { return }
            pending = ""
            let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self)
            if let peer = handler?.peerCertificate, let der = try? peer.toDERBytes() {
                recorder.server?.record(ServerCertificate(der: der).fields?.subject ?? "?")
            }
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
            context.write(wrapOutboundOut(ByteBuffer(string: head)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: body)), promise: nil)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }

    func settings(port: Int, home: String, pin: CertificateFingerprint?, change: (inout ClientOptions) -> Void = { _ in })
        throws -> ClientSettings
    {
        var options = ClientOptions()
        options.host = "127.0.0.1"
        options.port = port
        options.login = "alice"
        options.password = "x"
        options.list = true
        options.pins = pin.map { [$0.pinForm] } ?? []
        change(&options)
        return try ClientSettings.resolve(options: options, environment: [:], home: home, systemFile: nil)
    }

    func list(_ settings: ClientSettings, console: TestConsole = TestConsole()) async throws(ClientError) {
        _ = try await QVDClientSession(settings: settings, console: console, launcher: NoNXProxy(),
                                       group: MultiThreadedEventLoopGroup.singleton).run()
    }

    @Test func clientCertificateIsPresentedAndRequired() async throws {
        let files = try TestCertificates()
        defer { files.remove() }
        try await files.selfSigned("server", subject: "/CN=l7r.test")
        try await files.selfSigned("clientca", subject: "/O=QVD users/CN=Users CA", days: 2)
        try await files.signed("alice", subject: "/O=QVD users/CN=alice", by: "clientca")
        try await files.selfSigned("mallory", subject: "/CN=mallory")
        let server = try await Server(files: files, clientCA: try files.certificate("clientca"))
        let home = try TemporaryDirectory()
        defer { home.remove() }

        // -c/-k: the server sees alice's certificate and answers.
        let console = TestConsole()
        try await list(try settings(port: server.port, home: home.path, pin: server.fingerprint) {
            $0.certificateFile = files.path("alice.pem")
            $0.keyFile = files.path("alice.key")
        }, console: console)
        #expect(console.output.contains("Desktop-2"))
        #expect(server.clientSubjects == ["O=QVD users, CN=alice"])

        // No client certificate, or one the server does not trust: the handshake fails.
        for change: (inout ClientOptions) -> Void in [
            { _ in },
            { $0.certificateFile = files.path("mallory.pem"); $0.keyFile = files.path("mallory.key") },
        ] {
            let error = await #expect(throws: ClientError.self) {
                try await list(try settings(port: server.port, home: home.path, pin: server.fingerprint, change: change))
            }
            #expect(error?.code == .tls)
            #expect(error?.phase == .tlsHandshake)
            #expect(error?.message.hasPrefix("TLS with 127.0.0.1:\(server.port) failed: ") == true)
        }
        #expect(server.clientSubjects == ["O=QVD users, CN=alice"])
        await server.stop()
    }

    @Test func unreadableClientCertificateOrKey() async throws {
        let files = try TestCertificates()
        defer { files.remove() }
        try await files.selfSigned("server", subject: "/CN=l7r.test")
        try await files.selfSigned("alice", subject: "/CN=alice")
        let server = try await Server(files: files, clientCA: try files.certificate("alice"))
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let missing = files.path("nothing.pem")
        let error = await #expect(throws: ClientError.self) {
            try await list(try settings(port: server.port, home: home.path, pin: server.fingerprint) {
                $0.certificateFile = missing
                $0.keyFile = files.path("alice.key")
            })
        }
        #expect(error?.code == .tls)
        #expect(error?.message.hasPrefix("cannot load the client certificate \(missing) / key \(files.path("alice.key")): ") == true)

        // Only one of the two: a usage error before anything is sent.
        let half = #expect(throws: ClientError.self) {
            try settings(port: server.port, home: home.path, pin: nil) { $0.certificateFile = files.path("alice.pem") }
        }
        #expect(half?.code == .usage)
        #expect(half?.message == "a client certificate needs both -c CERT and -k KEY")
        await server.stop()
    }

    @Test func noCheckConnectsToAnyServerWithAWarning() async throws {
        let files = try TestCertificates()
        defer { files.remove() }
        try await files.selfSigned("server", subject: "/CN=somewhere.else")
        try await files.selfSigned("alice", subject: "/CN=alice")
        let server = try await Server(files: files, clientCA: try files.certificate("alice"))
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let console = TestConsole()
        // Wrong name, self-signed, no pin: -n connects anyway (and still sends -c/-k).
        try await list(try settings(port: server.port, home: home.path, pin: nil) {
            $0.noCertificateCheck = true
            $0.certificateFile = files.path("alice.pem")
            $0.keyFile = files.path("alice.key")
        }, console: console)
        await server.stop()
        #expect(console.statuses == ["warning: -n given: the server's certificate is not checked; anyone on the path can read your password"])
        #expect(console.output.contains("Desktop-1"))
        #expect(server.clientSubjects == ["CN=alice"])
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.qvd/accepted_certs.json"))
    }
}
