import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import QVDCore
@testable import QVDClient

/// A fake standing in for the L7R in these tests (not the project's stub): a NIO TLS
/// server with a throw-away self-signed certificate (made with `openssl req -x509` through
/// Core's `ChildProcess`), answering each request head with what `script` returns, and
/// after a `.stream` reply recording every byte the client sends.
final class FakeL7R: @unchecked Sendable {
    enum Reply: Sendable {
        /// One write of these bytes (head and body go as separate replies, as upstream does).
        case send(String)
        case sendBytes([UInt8])
        /// From now on the connection carries the raw stream.
        case stream
        case close
    }

    let channel: any Channel
    let port: Int
    let fingerprint: CertificateFingerprint
    let directory: TemporaryDirectory
    private let lock = NSLock()
    private var requestHeads: [String] = []
    private var streamed: [UInt8] = []

    var requests: [String] { lock.withLock { requestHeads } }
    var streamBytes: [UInt8] { lock.withLock { streamed } }

    private init(channel: any Channel, fingerprint: CertificateFingerprint, directory: TemporaryDirectory) throws {
        self.channel = channel
        self.port = try unwrap(channel.localAddress?.port)
        self.fingerprint = fingerprint
        self.directory = directory
    }

    fileprivate func recordRequest(_ head: String) { lock.withLock { requestHeads.append(head) } }
    fileprivate func recordStream(_ bytes: [UInt8]) { lock.withLock { streamed += bytes } }

    static func start(script: @escaping @Sendable (String) -> [Reply]) async throws -> FakeL7R {
        let directory = try TemporaryDirectory()
        let result = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/usr/bin/openssl",
            arguments: ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1",
                        "-keyout", "k", "-out", "c"],
            workingDirectory: directory.path), timeout: .seconds(60))
        guard result.succeeded else { throw FakeL7RError(text: "openssl failed: \(result)") }
        let certificates = try NIOSSLCertificate.fromPEMFile(directory.path + "/c")
        let certificate = try unwrap(certificates.first)
        let key = try NIOSSLPrivateKey(file: directory.path + "/k", format: .pem)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        let context = try NIOSSLContext(configuration: tls)
        let box = FakeL7RBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try child.pipeline.syncOperations.addHandler(FakeL7RHandler(box: box, script: script))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let server = try FakeL7R(channel: channel,
                                 fingerprint: CertificateFingerprint(derCertificate: try certificate.toDERBytes()),
                                 directory: directory)
        box.server = server
        return server
    }

    func stop() async {
        try? await channel.close()
        directory.remove()
    }
}

struct FakeL7RError: Error { let text: String }

func unwrap<T>(_ value: T?) throws -> T {
    guard let value else { throw FakeL7RError(text: "missing value") }
    return value
}

final class FakeL7RBox: @unchecked Sendable {
    weak var server: FakeL7R?
}

private final class FakeL7RHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let box: FakeL7RBox
    let script: @Sendable (String) -> [FakeL7R.Reply]
    var pending: [UInt8] = []
    var streaming = false

    init(box: FakeL7RBox, script: @escaping @Sendable (String) -> [FakeL7R.Reply]) {
        self.box = box
        self.script = script
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Array(unwrapInboundIn(data).readableBytesView)
        if streaming {
            box.server?.recordStream(bytes)
            return
        }
        pending += bytes
        while !streaming, let end = headEnd() {
            let head = String(decoding: pending[..<end], as: UTF8.self)
            pending.removeFirst(end)
            box.server?.recordRequest(head)
            for reply in script(head) {
                switch reply {
                case .send(let text):
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
                case .sendBytes(let raw):
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: raw)), promise: nil)
                case .stream:
                    streaming = true
                    if !pending.isEmpty { box.server?.recordStream(pending); pending = [] }
                case .close:
                    context.close(promise: nil)
                    return
                }
            }
        }
    }

    private func headEnd() -> Int? {
        guard pending.count >= 4 else { return nil }
        for index in 0...(pending.count - 4)
        where pending[index] == 13 && pending[index + 1] == 10 && pending[index + 2] == 13 && pending[index + 3] == 10 {
            return index + 4
        }
        return nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
