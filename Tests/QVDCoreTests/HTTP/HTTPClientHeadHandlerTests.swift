import NIOCore
import NIOEmbedded
import Testing

@testable import QVDCore

/// The client framing handler on an EmbeddedChannel pipeline.
struct HTTPClientHeadHandlerTests {
    typealias Support = HTTPTestSupport

    static func makeChannel(
        delivery: HTTPUpgradeDelivery = .inline
    ) throws -> (EmbeddedChannel, HTTPClientHeadHandler, HTTPInboundRecorder<HTTPClientInbound>) {
        let channel = EmbeddedChannel()
        let handler = HTTPClientHeadHandler(upgradeDelivery: delivery)
        let recorder = HTTPInboundRecorder<HTTPClientInbound>()
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.pipeline.syncOperations.addHandler(recorder)
        return (channel, handler, recorder)
    }

    static let processing1 = "HTTP/1.1 102 Processing\r\nX-QVD-VM-Info: Session acquired for VM_ID: 1\r\n\r\n"
    static let processing2 = "HTTP/1.1 102 Processing\r\nX-QVD-VM-Info: Connection established\r\n\r\n"
    static let switching = "HTTP/1.1 101 Switching Protocols\r\nX-QVD-Slave-Key: 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01\r\n\r\n"

    @Test("the request head goes out with CR LF")
    func writesRequest() throws {
        let (channel, _, _) = try Self.makeChannel()
        let request = HTTPRequestHead(method: "GET", target: "/qvd/connect_to_vm?id=1", headers: ["Connection": "Upgrade", "Upgrade": "QVD/1.0"])
        try channel.writeOutbound(HTTPClientOutbound.head(request))
        try channel.writeOutbound(HTTPClientOutbound.body(ByteBuffer(string: "x")))
        let head = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(String(buffer: head) == "GET /qvd/connect_to_vm?id=1 HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: QVD/1.0\r\n\r\n")
        #expect(try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) } == "x")
        _ = try channel.finish()
    }

    @Test("102, 102, 101 and 64 KiB of NX stream in ONE read: heads in order, then every byte")
    func upgradeInline() throws {
        let (channel, handler, recorder) = try Self.makeChannel()
        let payload = Support.payload(count: 64 * 1024, seed: 11)
        var read = ByteBuffer(string: Self.processing1 + Self.processing2 + Self.switching)
        read.writeBytes(payload)
        try channel.writeInbound(read)
        let more = Support.payload(count: 333, seed: 12)
        try channel.writeInbound(ByteBuffer(bytes: more))

        let reads = recorder.reads
        guard reads.count >= 4,
            case .head(let first) = reads[0], case .head(let second) = reads[1], case .head(let third) = reads[2]
        else {
            Issue.record("expected three heads first, got \(reads)")
            return
        }
        #expect(first.status == .processing)
        #expect(first.headers["X-QVD-VM-Info"] == "Session acquired for VM_ID: 1")
        #expect(second.headers["X-QVD-VM-Info"] == "Connection established")
        #expect(third.status == .switchingProtocols)
        #expect(third.headers[HTTPHeaderName.qvdSlaveKey]?.utf8.count == 64)
        let bytes = reads.dropFirst(3).map { message -> ByteBuffer in
            guard case .bytes(let buffer) = message else {
                Issue.record("expected bytes, got \(message)")
                return ByteBuffer()
            }
            return buffer
        }
        #expect(Support.concatenate(bytes) == payload + more)
        #expect(handler.phase == .upgraded)
        _ = try channel.finish()
    }

    @Test("102, 102, 101 and payload in ONE read, handed on by removal")
    func upgradeOnRemoval() throws {
        let (channel, handler, recorder) = try Self.makeChannel(delivery: .onRemoval)
        let payload = Support.payload(count: 64 * 1024, seed: 13)
        var read = ByteBuffer(string: Self.processing1 + Self.processing2 + Self.switching)
        read.writeBytes(payload)
        try channel.writeInbound(read)
        #expect(recorder.reads.count == 3)

        let raw = HTTPInboundRecorder<ByteBuffer>()
        try channel.pipeline.syncOperations.addHandler(raw, position: .after(handler))
        let removed = channel.pipeline.syncOperations.removeHandler(handler)
        channel.embeddedEventLoop.run()
        try removed.wait()
        let after = Support.payload(count: 100, seed: 14)
        try channel.writeInbound(ByteBuffer(bytes: after))
        #expect(Support.concatenate(raw.reads) == payload + after)
        #expect(recorder.reads.count == 3)
        _ = try channel.finish()
    }

    @Test("a final response with a body in pieces, then another response on the same connection")
    func bodies() throws {
        let (channel, _, recorder) = try Self.makeChannel()
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n[1,"))
        try channel.writeInbound(ByteBuffer(string: "2,3,4]HTTP/1.1 401 Unauthorized\nContent-Length: 0\n\nHTTP/1.1 204 No Content\r\n\r\n"))
        let summary = recorder.reads.map { message -> String in
            switch message {
            case .head(let head): "head \(head.status.code)"
            case .body(let bytes): "body \(String(buffer: bytes))"
            case .end: "end"
            case .bytes: "bytes"
            case .error(let error): "error \(error.kind)"
            }
        }
        #expect(summary == ["head 200", "body [1,", "body 2,3,4]", "end", "head 401", "end", "head 204", "end"])
        _ = try channel.finish()
    }

    @Test("the real L7R's malformed 404 becomes one error, then nothing")
    func malformed404() throws {
        let (channel, _, recorder) = try Self.makeChannel()
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 404 Not Found\r\n403 Forbidden\r\nThe requested virtual machine is offline for maintenance\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n404 N"))
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\n"))
        #expect(recorder.reads.count == 1)
        guard case .error(let error) = recorder.reads.first else {
            Issue.record("expected an error")
            return
        }
        #expect(error.kind == .malformedHeaderLine)
        #expect(error.line == 2)
        _ = try channel.finish()
    }

    @Test("closing inside a body is an error; closing between responses is not")
    func truncation() throws {
        let (channel, _, recorder) = try Self.makeChannel()
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 102 Processing\r\nX-QVD-VM-Info: Waiting\r\n\r\n"))
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(recorder.inputClosedCount == 1)
        #expect(recorder.reads.count == 1)

        let (second, _, secondRecorder) = try Self.makeChannel()
        try second.writeInbound(ByteBuffer(string: "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 20\r\n\r\nThe requested"))
        second.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        guard case .error(let error) = secondRecorder.reads.last else {
            Issue.record("expected an error, got \(secondRecorder.reads)")
            return
        }
        #expect(error.kind == .truncatedMessage)
        #expect(error.excerpt == "7 body bytes missing")
        #expect(secondRecorder.inputClosedCount == 1)

        let (third, _, thirdRecorder) = try Self.makeChannel()
        try third.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-"))
        try third.close().wait()
        guard case .error(let headError) = thirdRecorder.reads.last else {
            Issue.record("expected an error, got \(thirdRecorder.reads)")
            return
        }
        #expect(headError.kind == .truncatedMessage)
        _ = try channel.finish()
        _ = try second.finish()
    }
}
