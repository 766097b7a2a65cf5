import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import Testing

/// A test client speaking raw bytes to the stub over loopback TLS (certificate not checked)
/// or plain TCP, reading responses byte-exact.
final class RawTestClient {
    struct Response: Equatable, CustomStringConvertible {
        var statusLine: String
        var headers: [String]
        var body: String
        /// The head's exact bytes, CRLFs included.
        var rawHead: String

        var status: Int { Int(statusLine.split(separator: " ")[1]) ?? 0 }
        func header(_ name: String) -> String? {
            headers.first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) }
        }
        var description: String { rawHead + body }
    }

    let channel: any Channel
    private var iterator: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator
    private var buffer: [UInt8] = []
    private(set) var closed = false

    /// The ALPN protocol the server selected (`nil`: none), once the TLS handshake is done.
    private(set) var handshake: EventLoopFuture<String?>?

    init(port: Int, tls: Bool, group: any EventLoopGroup,
         maximumTLSVersion: TLSVersion? = nil, alpn: [String] = []) async throws {
        let sslContext: NIOSSLContext?
        if tls {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            configuration.maximumTLSVersion = maximumTLSVersion
            configuration.applicationProtocols = alpn
            sslContext = try NIOSSLContext(configuration: configuration)
        } else {
            sslContext = nil
        }
        let (stream, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: sslContext, serverHostname: nil))
                        try channel.pipeline.syncOperations.addHandler(HandshakeObserver(promise: channel.eventLoop.makePromise()))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteCollector(continuation: continuation))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        iterator = stream.makeAsyncIterator()
        if tls {
            handshake = try await channel.pipeline.handler(type: HandshakeObserver.self).map(\.promise.futureResult).get()
        }
    }

    /// The TLS version in use (after the handshake).
    func tlsVersion() async throws -> TLSVersion? {
        _ = try await handshake?.get()
        return try await channel.pipeline.handler(type: NIOSSLClientHandler.self).map(\.tlsVersion).get()
    }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text))
    }

    func send(bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Reads more bytes; false at end of stream.
    private func fill() async throws -> Bool {
        guard !closed else { return false }
        guard let chunk = try await iterator.next() else {
            closed = true
            return false
        }
        buffer += chunk.readableBytesView
        return true
    }

    /// Reads one response: head, then `Content-Length` bytes of body (none for 1xx).
    func readResponse() async throws -> Response {
        let terminator: [UInt8] = Array("\r\n\r\n".utf8)
        var end: Int?
        while end == nil {
            if buffer.count >= 4 {
                for index in 0...(buffer.count - 4) where Array(buffer[index..<index + 4]) == terminator {
                    end = index + 4
                    break
                }
            }
            if end == nil, try await !fill() { throw TestFailure("connection closed inside a head: \(String(decoding: buffer, as: UTF8.self))") }
        }
        let headEnd = end ?? 0
        let rawHead = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd)
        let lines = rawHead.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        var response = Response(statusLine: lines[0], headers: Array(lines.dropFirst()), body: "", rawHead: rawHead)
        if response.status >= 200, let length = response.header("Content-Length").flatMap(Int.init) {
            let body = try await readExactly(length)
            response.body = String(decoding: body, as: UTF8.self)
        }
        return response
    }

    /// Reads responses until a final (non-102) one; returns all of them.
    func readUntilFinal() async throws -> [Response] {
        var all: [Response] = []
        while true {
            let response = try await readResponse()
            all.append(response)
            if response.status != 102 { return all }
        }
    }

    func readExactly(_ count: Int) async throws -> [UInt8] {
        while buffer.count < count {
            if try await !fill() { throw TestFailure("connection closed after \(buffer.count) of \(count) bytes") }
        }
        let bytes = Array(buffer[..<count])
        buffer.removeFirst(count)
        return bytes
    }

    /// Reads until the server closes; returns whatever was left.
    func readToEnd() async throws -> [UInt8] {
        while try await fill() {}
        defer { buffer = [] }
        return buffer
    }

    func close() async {
        try? await channel.close()
    }

    deinit {
        channel.close(promise: nil)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Reports the end of the TLS handshake and the ALPN protocol the server chose.
final class HandshakeObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    let promise: EventLoopPromise<String?>

    init(promise: EventLoopPromise<String?>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted(let negotiated)? = event as? TLSUserEvent {
            promise.succeed(negotiated)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(TestFailure("closed before the TLS handshake completed"))
        context.fireChannelInactive()
    }
}

/// Hands every read to an async stream, which ends when the connection closes.
final class ByteCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation

    init(continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A TLS peer closing without close_notify is the end of the stream here.
        continuation.finish()
        context.close(promise: nil)
    }
}
