import NIOCore
import NIOEmbedded
import Testing

@testable import QVDCore

/// The server framing handler on an EmbeddedChannel pipeline: every `writeInbound` is one
/// read, so "arrives in one read" is exact here.
struct HTTPServerHeadHandlerTests {
    typealias Support = HTTPTestSupport

    /// A channel with the handler and a recorder behind it.
    static func makeChannel(
        delivery: HTTPUpgradeDelivery = .inline
    ) throws -> (EmbeddedChannel, HTTPServerHeadHandler, HTTPInboundRecorder<HTTPServerInbound>) {
        let channel = EmbeddedChannel()
        let handler = HTTPServerHeadHandler(upgradeDelivery: delivery)
        let recorder = HTTPInboundRecorder<HTTPServerInbound>()
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.pipeline.syncOperations.addHandler(recorder)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 3030)).wait()
        return (channel, handler, recorder)
    }

    static func buffer(_ text: String) -> ByteBuffer {
        ByteBuffer(string: text)
    }

    static func targets(_ messages: [HTTPServerInbound]) -> [String] {
        messages.compactMap {
            if case .head(let head) = $0 { return head.target }
            return nil
        }
    }

    static func outboundText(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            text += String(buffer: buffer)
        }
        return text
    }

    @Test("pipelined requests in one read: one head at a time, the next after the answer (S29)")
    func pipelining() throws {
        let (channel, _, recorder) = try Self.makeChannel()
        try channel.writeInbound(Self.buffer(
            "GET /vma/ping HTTP/1.1\r\nHost: h\r\n\r\nGET /vma/x_state HTTP/1.1\nHost: h\n\n\r\nGET /vma/x_stop HTTP/1.1\r\n\r\n"
        ))
        #expect(Self.targets(recorder.reads) == ["/vma/ping"])

        try channel.writeOutbound(HTTPServerOutbound.head(.withBody(status: .ok, contentType: "application/json-simplerpc", contentLength: 7)))
        try channel.writeOutbound(HTTPServerOutbound.body(Self.buffer("null\n\r\n")))
        channel.embeddedEventLoop.run()
        #expect(Self.targets(recorder.reads) == ["/vma/ping", "/vma/x_state"])

        try channel.writeOutbound(HTTPServerOutbound.head(.withBody(status: .ok, contentType: "application/json-simplerpc", contentLength: 12)))
        channel.embeddedEventLoop.run()
        #expect(Self.targets(recorder.reads) == ["/vma/ping", "/vma/x_state", "/vma/x_stop"])
        #expect(try Self.outboundText(channel) == "HTTP/1.1 200 OK\r\nContent-Type: application/json-simplerpc\r\nContent-Length: 7\r\n\r\nnull\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json-simplerpc\r\nContent-Length: 12\r\n\r\n")
        _ = try channel.finish()
    }

    @Test("answering from inside the read gets the next pipelined head at once, never re-entrantly")
    func answerInsideRead() throws {
        let (channel, _, recorder) = try Self.makeChannel()
        var depth = 0
        var maxDepth = 0
        recorder.onRead = { context, message in
            depth += 1
            maxDepth = max(maxDepth, depth)
            if case .head = message {
                let head = HTTPResponseHead.withBody(status: .notFound, contentType: "text/plain", contentLength: 0)
                context.write(NIOAny(HTTPServerOutbound.head(head)), promise: nil)
            }
            depth -= 1
        }
        try channel.writeInbound(Self.buffer("GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nGET /c HTTP/1.1\r\n\r\n"))
        #expect(Self.targets(recorder.reads) == ["/a", "/b", "/c"])
        #expect(maxDepth == 1)
        _ = try channel.finish()
    }

    @Test("a request body is skipped, not parsed as the next request (deliberate fix of S13)")
    func bodySkipped() throws {
        let (channel, _, recorder) = try Self.makeChannel()
        try channel.writeInbound(Self.buffer("POST /vma/ping HTTP/1.1\r\nContent-Length: 5\r\n\r\nx="))
        try channel.writeInbound(Self.buffer("1\r\nGET /vma/ping HTTP/1.1\r\n\r\n"))
        #expect(Self.targets(recorder.reads) == ["/vma/ping"])
        try channel.writeOutbound(HTTPServerOutbound.head(HTTPErrorResponse(status: .notFound).head))
        channel.embeddedEventLoop.run()
        let heads = recorder.reads.compactMap { message -> HTTPRequestHead? in
            if case .head(let head) = message { return head }
            return nil
        }
        #expect(heads.map(\.method) == ["POST", "GET"])
        #expect(!recorder.reads.contains { if case .error = $0 { true } else { false } })
        _ = try channel.finish()
    }

    @Test("101 then 64 KiB in ONE read: every byte reaches the consumer once, in order")
    func upgradeInline() throws {
        let (channel, handler, recorder) = try Self.makeChannel()
        let payload = Support.payload(count: 64 * 1024)
        var read = ByteBuffer(string: "GET /vma/vnc_connect HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: VNC\r\n\r\n")
        read.writeBytes(payload)
        try channel.writeInbound(read)
        #expect(Self.targets(recorder.reads) == ["/vma/vnc_connect"])
        #expect(handler.phase == .awaitingResponse)

        try channel.writeOutbound(HTTPServerOutbound.head(HTTPResponseHead(status: .processing, headers: ["X-QVD-VMA-Info": "Starting VNC service"])))
        channel.embeddedEventLoop.run()
        #expect(recorder.reads.count == 1)

        try channel.writeOutbound(HTTPServerOutbound.head(HTTPResponseHead(status: .switchingProtocols)))
        channel.embeddedEventLoop.run()
        #expect(handler.phase == .upgraded)
        let more = Support.payload(count: 1000, seed: 7)
        try channel.writeInbound(ByteBuffer(bytes: more))

        let bytes = recorder.reads.dropFirst().map { message -> ByteBuffer in
            guard case .bytes(let buffer) = message else {
                Issue.record("expected bytes, got \(message)")
                return ByteBuffer()
            }
            return buffer
        }
        #expect(Support.concatenate(bytes) == payload + more)
        #expect(try Self.outboundText(channel) == "HTTP/1.1 102 Processing\r\nX-QVD-VMA-Info: Starting VNC service\r\n\r\nHTTP/1.1 101 Switching Protocols\r\n\r\n")
        _ = try channel.finish()
    }

    @Test("101 then 64 KiB in ONE read, handed on by removal as plain ByteBuffer reads")
    func upgradeOnRemoval() throws {
        let (channel, handler, recorder) = try Self.makeChannel(delivery: .onRemoval)
        let payload = Support.payload(count: 64 * 1024, seed: 3)
        var read = ByteBuffer(string: "PUT /shares//home/a HTTP/1.1\nConnection: Upgrade\nUpgrade: qvd:sftp/1.0\n\n")
        read.writeBytes(payload)
        try channel.writeInbound(read)
        try channel.writeOutbound(HTTPServerOutbound.head(HTTPResponseHead(status: .switchingProtocols, headers: ["X-QVD-Share-Ticket": "a"])))
        channel.embeddedEventLoop.run()
        let later = Support.payload(count: 5000, seed: 4)
        try channel.writeInbound(ByteBuffer(bytes: later[..<2000]))
        #expect(recorder.reads.count == 1)

        let raw = HTTPInboundRecorder<ByteBuffer>()
        try channel.pipeline.syncOperations.addHandler(raw, position: .after(handler))
        let removed = channel.pipeline.syncOperations.removeHandler(handler)
        channel.embeddedEventLoop.run()
        try removed.wait()
        try channel.writeInbound(ByteBuffer(bytes: later[2000...]))

        #expect(Support.concatenate(raw.reads) == payload + later)
        #expect(recorder.reads.count == 1)
        _ = try channel.finish()
    }

    @Test("a malformed head is handed on once; later bytes are dropped; the answer closes")
    func malformed() throws {
        let (channel, _, recorder) = try Self.makeChannel()
        #expect(channel.isActive)
        try channel.writeInbound(Self.buffer("GET /vma/ping HTTP/1.0\r\n\r\nGET /vma/ping HTTP/1.1\r\n\r\n"))
        try channel.writeInbound(Self.buffer("GET /again HTTP/1.1\r\n\r\n"))
        #expect(recorder.reads.count == 1)
        guard case .error(let error) = recorder.reads.first else {
            Issue.record("expected an error")
            return
        }
        #expect(error.kind == .unsupportedVersion("HTTP/1.0"))
        let response = HTTPErrorResponse(error)
        let sent = response.send(on: channel)
        channel.embeddedEventLoop.run()
        try sent.wait()
        #expect(!channel.isActive)
        let text = try Self.outboundText(channel)
        let body = error.description + "\n"
        #expect(text == "HTTP/1.1 505 HTTP Version Not Supported\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body)
    }

    @Test("half-close after a request: input-closed comes after the answer (S31)")
    func halfClose() throws {
        let (channel, _, recorder) = try Self.makeChannel()
        try channel.writeInbound(Self.buffer("GET /vma/x_state HTTP/1.1\r\n\r\nGET /vma/ping HTTP/1.1\r\n\r\n"))
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(recorder.inputClosedCount == 0)
        try channel.writeOutbound(HTTPServerOutbound.head(HTTPResponseHead(status: .ok)))
        channel.embeddedEventLoop.run()
        #expect(Self.targets(recorder.reads) == ["/vma/x_state", "/vma/ping"])
        #expect(recorder.inputClosedCount == 0)
        try channel.writeOutbound(HTTPServerOutbound.head(HTTPResponseHead(status: .ok)))
        channel.embeddedEventLoop.run()
        #expect(recorder.inputClosedCount == 1)
        _ = try channel.finish()
    }

    @Test("a head split over many reads, and the error helper keeping the connection for 404")
    func splitReads() throws {
        let (channel, _, recorder) = try Self.makeChannel()
        for byte in "GET /vma/no_such_method HTTP/1.1\r\nHost: h\r\n\r\n".utf8 {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        #expect(Self.targets(recorder.reads) == ["/vma/no_such_method"])
        let sent = HTTPErrorResponse(status: .notFound).send(on: channel)
        channel.embeddedEventLoop.run()
        try sent.wait()
        #expect(channel.isActive)
        try channel.writeInbound(Self.buffer("GET /vma/ping HTTP/1.1\r\n\r\n"))
        #expect(Self.targets(recorder.reads) == ["/vma/no_such_method", "/vma/ping"])
        _ = try channel.finish()
    }

    @Test("reads are held while much is buffered and the application has not answered")
    func backpressure() throws {
        let (channel, handler, _) = try Self.makeChannel()
        var read = ByteBuffer(string: "GET /a HTTP/1.1\r\n\r\n")
        read.writeBytes(Support.payload(count: 70 * 1024))
        try channel.writeInbound(read)
        #expect(handler.phase == .awaitingResponse)
        let readCounter = HTTPReadCounter()
        try channel.pipeline.syncOperations.addHandler(readCounter, position: .first)
        channel.read()
        #expect(readCounter.reads == 0)
        try channel.writeOutbound(HTTPServerOutbound.head(HTTPResponseHead(status: .switchingProtocols)))
        channel.embeddedEventLoop.run()
        #expect(readCounter.reads == 1)
        _ = try channel.finish()
    }
}

/// Counts `read` calls that reach the head of the pipeline.
final class HTTPReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = NIOAny
    private(set) var reads = 0

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }
}
