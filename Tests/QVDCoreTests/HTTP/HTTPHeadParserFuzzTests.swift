import NIOCore
import Testing

@testable import QVDCore

/// Random and mutated heads in random chunkings: never a crash, and always the same result
/// as one parse of all the bytes.
struct HTTPHeadParserFuzzTests {
    typealias Support = HTTPTestSupport
    typealias Generator = HTTPTestSupport.SeededGenerator

    static let requestSeeds: [[UInt8]] = HTTPMalformedRequestHeadTests.cases.map(\.bytes) + [
        "GET /vma/x_start?qvd.client.link=lan&custom.note=caf%C3%A9+%26 HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: VNC\r\n\r\n",
        "PUT /shares//home/alice HTTP/1.1\nAuthorization: Basic k\nConnection: Upgrade\nUpgrade: qvd:sftp/1.0\n\n",
        "GET /qvd/connect_to_vm?id=1 HTTP/1.1\r\nX-Long: a\r\n  b \r\n\r\nGET /next HTTP/1.1\r\n\r\n",
    ].map { Array($0.utf8) }

    static let responseSeeds: [[UInt8]] = [
        "HTTP/1.1 102 Processing\r\nX-QVD-VM-Info: Starting virtual machine\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nX-QVD-Slave-Key: abc\r\n\r\nNXPROXY-3.5.0",
        "HTTP/1.1 404 Not Found\r\n403 Forbidden\r\nContent-Length: 3\r\n\r\n404",
        "\r\nHTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: 2\n\n[]",
        "HTTP/1.0 200 OK\r\n\r\n",
    ].map { Array($0.utf8) }

    static let interestingBytes: [UInt8] = [0x00, 0x0D, 0x0A, 0x0A, 0x20, 0x09, 0x3A, 0x25, 0x2B, 0x26, 0x3D, 0x7F, 0x80, 0xC3, 0xA9, 0xFF, 0x48]

    static func mutate(_ seed: [UInt8], pool: [[UInt8]], using generator: inout Generator) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 0...4, using: &generator) {
            switch Int.random(in: 0..<7, using: &generator) {
            case 0 where !bytes.isEmpty:
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[index] = interestingBytes.randomElement(using: &generator) ?? 0
            case 1:
                let index = Int.random(in: 0...bytes.count, using: &generator)
                bytes.insert(interestingBytes.randomElement(using: &generator) ?? 0, at: index)
            case 2 where !bytes.isEmpty:
                let start = Int.random(in: 0..<bytes.count, using: &generator)
                let end = min(bytes.count, start + Int.random(in: 1...8, using: &generator))
                bytes.removeSubrange(start..<end)
            case 3 where !bytes.isEmpty:
                let start = Int.random(in: 0..<bytes.count, using: &generator)
                let end = min(bytes.count, start + Int.random(in: 1...64, using: &generator))
                let copies = Int.random(in: 1...300, using: &generator)
                let piece = Array(bytes[start..<end])
                bytes.insert(contentsOf: Array(repeating: piece, count: copies).joined(), at: end)
            case 4:
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
            case 5:
                let other = pool.randomElement(using: &generator) ?? []
                let cut = Int.random(in: 0...bytes.count, using: &generator)
                let otherCut = Int.random(in: 0...other.count, using: &generator)
                bytes = Array(bytes[..<cut]) + Array(other[otherCut...])
            default:
                bytes.append(UInt8.random(in: 0...255, using: &generator))
            }
        }
        return bytes
    }

    /// Random cut points splitting `count` bytes into chunks (some of one byte).
    static func cutPoints(_ count: Int, using generator: inout Generator) -> [Int] {
        var points: [Int] = []
        var position = 0
        while position < count {
            let step = Bool.random(using: &generator)
                ? Int.random(in: 1...3, using: &generator)
                : Int.random(in: 1...max(1, count / 3), using: &generator)
            position = min(count, position + step)
            points.append(position)
        }
        return points
    }

    @Test("10 000 mutated request heads: chunked parse equals one-shot parse")
    func requestHeads() {
        var generator = Generator(seed: 0xC0FFEE)
        var outcomes = [0, 0, 0]
        for iteration in 0..<10_000 {
            let seed = Self.requestSeeds[iteration % Self.requestSeeds.count]
            let bytes = iteration % 10 == 9
                ? (0..<Int.random(in: 0...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                : Self.mutate(seed, pool: Self.requestSeeds, using: &generator)
            let whole = HTTPRequestHeadParser.parse(bytes)
            var parser = HTTPRequestHeadParser()
            var chunked: HTTPHeadParseResult<HTTPRequestHead> = .needMoreData
            for end in Self.cutPoints(bytes.count, using: &generator) {
                chunked = parser.parse(bytes[0..<end])
                if case .needMoreData = chunked { continue }
                break
            }
            if chunked != whole {
                Issue.record("iteration \(iteration): chunked \(chunked) != whole \(whole) for \(HTTPHeadError.escape(bytes, limit: 300))")
                return
            }
            switch whole {
            case .needMoreData:
                outcomes[0] += 1
            case .complete(let head, let length):
                outcomes[1] += 1
                #expect(length <= bytes.count)
                #expect(HTTPRequestHeadParser.parse(bytes[0..<length]) == .complete(head, length: length))
                #expect(head.version == "HTTP/1.1")
            case .failed(let error):
                outcomes[2] += 1
                #expect([400, 414, 431, 501, 505].contains(error.status.code))
                #expect(error.closesConnection)
            }
        }
        // The generator must exercise every outcome, or the test proves little.
        #expect(outcomes.allSatisfy { $0 > 500 })
    }

    @Test("mutated response heads: chunked parse equals one-shot parse")
    func responseHeads() {
        var generator = Generator(seed: 0xBEEF)
        for iteration in 0..<3_000 {
            let seed = Self.responseSeeds[iteration % Self.responseSeeds.count]
            let bytes = Self.mutate(seed, pool: Self.responseSeeds, using: &generator)
            let whole = HTTPResponseHeadParser.parse(bytes)
            var parser = HTTPResponseHeadParser()
            var chunked: HTTPHeadParseResult<HTTPResponseHead> = .needMoreData
            for end in Self.cutPoints(bytes.count, using: &generator) {
                chunked = parser.parse(bytes[0..<end])
                if case .needMoreData = chunked { continue }
                break
            }
            if chunked != whole {
                Issue.record("iteration \(iteration): chunked \(chunked) != whole \(whole)")
                return
            }
        }
    }

    /// Runs a server state machine over `stream` read in `chunks`, answering every head
    /// with `status`, and returns what it handed on (bytes joined into one entry).
    static func serverActions(_ stream: [UInt8], cuts: [Int], answer status: HTTPStatus) -> [String] {
        var machine = HTTPServerFramingStateMachine()
        var log: [String] = []
        var upgradedBytes: [UInt8] = []
        var start = 0
        for end in cuts {
            machine.received(ByteBuffer(bytes: stream[start..<end]))
            start = end
            while let action = machine.nextAction() {
                switch action {
                case .deliverHead(let head):
                    log.append("head \(head.method) \(head.target)")
                    machine.responseHeadWritten(head.target == "/upgrade" ? .switchingProtocols : status)
                case .deliverError(let error):
                    log.append("error \(error.status.code) \(error.kind)")
                case .deliverBytes(let bytes):
                    upgradedBytes += Array(bytes.readableBytesView)
                case .deliverInputClosed:
                    log.append("closed")
                }
            }
        }
        if !upgradedBytes.isEmpty { log.append("bytes \(upgradedBytes)") }
        return log
    }

    @Test("a server connection fed in random chunks hands on the same things as in one read")
    func serverStateMachine() {
        var generator = Generator(seed: 77)
        let requests = [
            "GET /vma/ping HTTP/1.1\r\n\r\n", "POST /p HTTP/1.1\nContent-Length: 4\n\nbody", "\r\nGET /vma/x_state HTTP/1.1\nHost: h\n\n",
            "GET /upgrade HTTP/1.1\r\nConnection: Upgrade\r\n\r\n", "GET /bad HTTP/1.0\r\n\r\n", "HEAD / HTTP/1.1\r\n\r\n",
        ].map { Array($0.utf8) }
        for _ in 0..<1_000 {
            var stream: [UInt8] = []
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                stream += requests.randomElement(using: &generator) ?? []
            }
            stream += (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let once = Self.serverActions(stream, cuts: [stream.count], answer: .ok)
            let chunked = Self.serverActions(stream, cuts: Self.cutPoints(stream.count, using: &generator), answer: .ok)
            #expect(once == chunked)
        }
    }
}
