import NIOCore
import Testing

@testable import QVDCore

/// Transitions of the two framing state machines, without any channel.
struct HTTPFramingStateMachineTests {
    typealias Server = HTTPServerFramingStateMachine
    typealias Client = HTTPClientFramingStateMachine

    static func drain(_ machine: inout Server) -> [Server.Action] {
        var actions: [Server.Action] = []
        while let action = machine.nextAction() { actions.append(action) }
        return actions
    }

    static func drain(_ machine: inout Client) -> [Client.Action] {
        var actions: [Client.Action] = []
        while let action = machine.nextAction() { actions.append(action) }
        return actions
    }

    static let ping = HTTPRequestHead(method: "GET", target: "/vma/ping")

    @Test("server: head → waiting; 102 keeps waiting; 200 reads the next head")
    func serverKeepAlive() {
        var machine = Server()
        machine.received(ByteBuffer(string: "GET /vma/ping HTTP/1.1\r\n\r\nGET /vma/ping HTTP/1.1\r\n\r\n"))
        let actions1 = Self.drain(&machine)
        #expect(actions1 == [.deliverHead(Self.ping)])
        #expect(machine.phase == .awaitingResponse)
        let progressed1 = machine.responseHeadWritten(.processing)
        #expect(progressed1 == false)
        let actions2 = Self.drain(&machine)
        #expect(actions2 == [])
        let progressed2 = machine.responseHeadWritten(.notFound)
        #expect(progressed2 == true)
        #expect(machine.phase == .readingHead)
        let actions3 = Self.drain(&machine)
        #expect(actions3 == [.deliverHead(Self.ping)])
        #expect(machine.bufferedByteCount == 0)
    }

    @Test("server: a body is skipped across reads")
    func serverBodySkip() {
        var machine = Server()
        machine.received(ByteBuffer(string: "POST /p HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123"))
        let actions1 = Self.drain(&machine)
        #expect(actions1.count == 1)
        machine.responseHeadWritten(.notFound)
        machine.received(ByteBuffer(string: "456"))
        let actions2 = Self.drain(&machine)
        #expect(actions2 == [])
        machine.received(ByteBuffer(string: "789GET /vma/ping HTTP/1.1\r\n\r\n"))
        let actions3 = Self.drain(&machine)
        #expect(actions3 == [.deliverHead(Self.ping)])
    }

    @Test("server: 101 hands on the buffered bytes (inline) or keeps them for removal")
    func serverUpgrade() {
        var inline = Server()
        inline.received(ByteBuffer(string: "GET /vma/vnc_connect HTTP/1.1\r\nConnection: Upgrade\r\n\r\nRFB 003.008\n"))
        _ = Self.drain(&inline)
        let progressed1 = inline.responseHeadWritten(.switchingProtocols)
        #expect(progressed1)
        let actions1 = Self.drain(&inline)
        #expect(actions1 == [.deliverBytes(ByteBuffer(string: "RFB 003.008\n"))])
        inline.received(ByteBuffer(string: "more"))
        let actions2 = Self.drain(&inline)
        #expect(actions2 == [.deliverBytes(ByteBuffer(string: "more"))])
        // Heads written after the switch change nothing.
        let progressed2 = inline.responseHeadWritten(.ok)
        #expect(progressed2 == false)
        #expect(inline.phase == .upgraded)

        var held = Server(upgradeDelivery: .onRemoval)
        held.received(ByteBuffer(string: "GET /u HTTP/1.1\r\n\r\nabc"))
        _ = Self.drain(&held)
        held.responseHeadWritten(.switchingProtocols)
        held.received(ByteBuffer(string: "def"))
        held.inputDidClose()
        let actions3 = Self.drain(&held)
        #expect(actions3 == [])
        let leftovers = held.takeLeftovers()
        #expect(leftovers.bytes.map { String(buffer: $0) } == "abcdef")
        #expect(leftovers.inputClosed)
        #expect(held.phase == .closed)
        let actions4 = Self.drain(&held)
        #expect(actions4 == [])
    }

    @Test("server: an error ends reading; later bytes are dropped; input-closed still comes")
    func serverError() {
        var machine = Server()
        machine.received(ByteBuffer(string: "HELLO\r\n\r\nGET /vma/ping HTTP/1.1\r\n\r\n"))
        let actions = Self.drain(&machine)
        guard actions.count == 1, case .deliverError(let error) = actions[0] else {
            Issue.record("got \(actions)")
            return
        }
        #expect(error.kind == .malformedRequestLine)
        #expect(machine.phase == .closed)
        machine.received(ByteBuffer(string: "GET /vma/ping HTTP/1.1\r\n\r\n"))
        #expect(machine.bufferedByteCount == 0)
        machine.inputDidClose()
        let actions1 = Self.drain(&machine)
        #expect(actions1 == [.deliverInputClosed])
    }

    @Test("server: input-closed waits for buffered requests; a partial head at EOF is dropped")
    func serverInputClosed() {
        var machine = Server()
        machine.received(ByteBuffer(string: "GET /vma/ping HTTP/1.1\r\n\r\nGET /vma/pi"))
        machine.inputDidClose()
        let actions1 = Self.drain(&machine)
        #expect(actions1 == [.deliverHead(Self.ping)])
        machine.responseHeadWritten(.ok)
        let actions2 = Self.drain(&machine)
        #expect(actions2 == [.deliverInputClosed])
        let actions3 = Self.drain(&machine)
        #expect(actions3 == [])
    }

    @Test("server: reads are held only when much is buffered and the application must act")
    func serverHoldReads() {
        var machine = Server()
        var big = ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n")
        big.writeBytes([UInt8](repeating: 0x41, count: Server.readHighWatermark))
        machine.received(big)
        #expect(!machine.shouldHoldReads)
        _ = Self.drain(&machine)
        #expect(machine.shouldHoldReads)
        machine.responseHeadWritten(.switchingProtocols)
        _ = Self.drain(&machine)
        #expect(!machine.shouldHoldReads)
    }

    @Test("client: interim heads, final head, body, end; then 101 and bytes")
    func clientSequence() {
        var machine = Client()
        machine.received(ByteBuffer(string: "HTTP/1.1 102 Processing\r\nX-QVD-VM-Info: a\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]HTTP/1.1 101 Switching Protocols\r\n\r\nNX"))
        let actions = Self.drain(&machine)
        #expect(actions == [
            .deliverHead(HTTPResponseHead(status: .processing, headers: ["X-QVD-VM-Info": "a"])),
            .deliverHead(HTTPResponseHead(status: .ok, headers: ["Content-Length": "2"])),
            .deliverBody(ByteBuffer(string: "[]")),
            .deliverEnd,
            .deliverHead(HTTPResponseHead(status: .switchingProtocols)),
            .deliverBytes(ByteBuffer(string: "NX")),
        ])
        #expect(machine.phase == .upgraded)
    }

    @Test("client: leftovers after a 101 are kept for removal")
    func clientOnRemoval() {
        var machine = Client(upgradeDelivery: .onRemoval)
        machine.received(ByteBuffer(string: "HTTP/1.1 101 Switching Protocols\r\n\r\nNXPROXY"))
        let actions1 = Self.drain(&machine)
        #expect(actions1 == [.deliverHead(HTTPResponseHead(status: .switchingProtocols))])
        machine.received(ByteBuffer(string: "-3.5.0"))
        let leftovers = machine.takeLeftovers()
        #expect(leftovers.bytes.map { String(buffer: $0) } == "NXPROXY-3.5.0")
        #expect(!leftovers.inputClosed)
    }

    @Test("client: a close after 102s with no answer is only input-closed (real L7R LOGDIE)")
    func clientCloseAfterProgress() {
        var machine = Client()
        machine.received(ByteBuffer(string: "HTTP/1.1 102 Processing\r\nX-QVD-VM-Info: Aborting contending session for VM_ID: 1\r\n\r\n\r\n"))
        let actions1 = Self.drain(&machine)
        #expect(actions1.count == 1)
        machine.inputDidClose()
        let actions2 = Self.drain(&machine)
        #expect(actions2 == [.deliverInputClosed])
    }
}
