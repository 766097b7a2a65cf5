import Foundation
import Testing
@testable import QVDL7RStub

/// Replays the requests real clients sent, recorded in
/// `/work/shared/spec/transcripts/client/` (`l7r-*`: against the real L7R; `c-*`/`p-*`: the
/// C and Perl clients against the recording test double, which plays upstream's answers),
/// to the stub, with a FAKE VMA and a FAKE nxagent echo server behind it, set up like the
/// recording (`ReplayPlan`), and compares the answers with the recorded ones.
///
/// Allowed differences, each upstream-compatible: JSON key order and layout (upstream's
/// order is random), the slave key (random), and the generic error bodies, which are our
/// own words (spec README); for those the first line, `<code> <reason>`, must match.
/// The recordings live in the shared spec folder, outside this repository; the suite is
/// skipped where that folder is absent.
@Suite(.serialized, .timeLimit(.minutes(3)),
       .enabled(if: FileManager.default.fileExists(atPath: RecordedTranscript.directory)))
struct TranscriptReplayTests {
    /// Every transcript of the folder has a plan: a new recording must be sorted in here.
    @Test func everyTranscriptHasAPlan() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: RecordedTranscript.directory)
            .filter { $0.hasSuffix(".txt") }.sorted()
        #expect(!names.isEmpty)
        let missing = names.filter { ReplayPlan.table[$0] == nil }
        #expect(missing.isEmpty, "transcripts without a replay plan: \(missing)")
        let gone = ReplayPlan.table.keys.filter { !names.contains($0) }.sorted()
        #expect(gone.isEmpty, "plans for transcripts that no longer exist: \(gone)")
    }

    static var replayed: [String] {
        ReplayPlan.table.filter { if case .replay = $0.value { true } else { false } }.keys.sorted()
    }

    @Test(arguments: replayed)
    func replayGivesTheRecordedResponses(name: String) async throws {
        guard case .replay(let setup) = ReplayPlan.table[name] else { return }
        let transcript = try RecordedTranscript(named: name)
        #expect(transcript.hasWireBytes, "\(name) holds no request bytes")
        let exchanges = try await Self.replay(transcript, setup: setup)
        #expect(exchanges.count == setup.responseCount, "\(name): \(exchanges.count) responses compared")
        for exchange in exchanges {
            try compare(exchange.actual, with: exchange.recorded, in: "\(name) \(exchange.connection)")
        }
    }

    /// `l7r-raw-requests.txt` holds the real L7R's answers byte for byte but only names
    /// the requests (sent with socat, one connection each); these are the requests as named.
    /// `AUTH` stands for alice's Basic credentials. `nil`: not replayed, and why.
    static let rawRequests: [(title: String, request: String?, why: String?)] = [
        ("connect without Upgrade headers", "GET /qvd/connect_to_vm?id=1 HTTP/1.1\r\nAuthorization: AUTH\r\n\r\n", nil),
        ("connect with Connection: keep-alive, Upgrade",
         "GET /qvd/connect_to_vm?id=1 HTTP/1.1\r\nAuthorization: AUTH\r\nConnection: keep-alive, Upgrade\r\nUpgrade: QVD/1.0\r\n\r\n", nil),
        ("connect with lower-case header names",
         "GET /qvd/connect_to_vm?id=1 HTTP/1.1\r\nauthorization: AUTH\r\nconnection: Upgrade\r\nupgrade: QVD/1.0\r\n\r\n", nil),
        ("connect without id", "GET /qvd/connect_to_vm HTTP/1.1\r\nAuthorization: AUTH\r\nConnection: Upgrade\r\nUpgrade: QVD/1.0\r\n\r\n", nil),
        ("connect with bad parameter names",
         "GET /qvd/connect_to_vm?id=1&foo=1&bar.baz=2 HTTP/1.1\r\nAuthorization: AUTH\r\nConnection: Upgrade\r\nUpgrade: QVD/1.0\r\n\r\n", nil),
        ("HTTP/1.0 request line", "GET /qvd/ping HTTP/1.0\r\n\r\n", nil),
        ("unknown path", "GET /qvd/nothing_here HTTP/1.1\r\nAuthorization: AUTH\r\n\r\n", nil),
        ("POST to a known path", "POST /qvd/list_of_vm HTTP/1.1\r\nAuthorization: AUTH\r\nContent-Length: 0\r\n\r\n", nil),
        ("malformed request line", "GARBAGE\r\n\r\n", nil),
        ("no Authorization on list", "GET /qvd/list_of_vm HTTP/1.1\r\n\r\n", nil),
        ("two pipelined requests (ping, then list) on one connection, LF-only",
         "GET /qvd/ping HTTP/1.1\n\nGET /qvd/list_of_vm HTTP/1.1\nAuthorization: AUTH\n\n", nil),
        ("stop_vm without id", "GET /qvd/stop_vm HTTP/1.1\r\nAuthorization: AUTH\r\n\r\n", nil),
        ("stop_vm id=2 (already stopped)", "GET /qvd/stop_vm?id=2 HTTP/1.1\r\nAuthorization: AUTH\r\n\r\n", nil),
        ("list_of_applications", "GET /qvd/list_of_applications HTTP/1.1\r\nAuthorization: AUTH\r\n\r\n", nil),
        ("authenticate_user?store_auth=1", nil, "the stub has no token store and no authenticate_user (it answers 404)"),
    ]

    @Test func rawRequestsGetTheRealL7RsAnswers() async throws {
        let text = try String(contentsOfFile: RecordedTranscript.directory + "/l7r-raw-requests.txt", encoding: .utf8)
        var recordedAnswers: [String: [(head: String, body: String)]] = [:]
        for section in text.components(separatedBy: "################ request: ").dropFirst() {
            let title = String(section.prefix { $0 != "\n" })
            guard let marker = section.range(of: "---- response bytes (\\r shown as <CR>):\n") else { continue }
            let bytes = Array(section[marker.upperBound...].replacingOccurrences(of: "<CR>", with: "\r").utf8)
            recordedAnswers[title] = RecordedTranscript.responses(in: bytes)
        }
        #expect(Set(recordedAnswers.keys) == Set(Self.rawRequests.map(\.title)), "the recording's requests changed")
        var setup = ReplaySetup()
        setup.noApplications = true
        try await StubFixture.with(tls: false, accounts: setup.accounts) { stub in
            for raw in Self.rawRequests {
                guard let request = raw.request else { continue }
                let recorded = try #require(recordedAnswers[raw.title], "\(raw.title)")
                let client = try await stub.client()
                try await client.send(request.replacingOccurrences(of: "AUTH", with: stub.basicAlice))
                for answer in recorded {
                    try compare(try await client.readResponse(), with: answer, in: "l7r-raw-requests: \(raw.title)")
                }
                await client.close()
            }
        }
    }

    /// One recorded response and the stub's answer to the same request.
    struct Exchange {
        var connection: String
        var recorded: (head: String, body: String)
        var actual: RawTestClient.Response
    }

    /// Sends the recording's client bytes, connection by connection in recorded order, and
    /// reads as many responses as were recorded after each.
    static func replay(_ transcript: RecordedTranscript, setup: ReplaySetup) async throws -> [Exchange] {
        var exchanges: [Exchange] = []
        try await StubFixture.with(vmaFinalState: setup.vmaFinalState, accounts: setup.accounts) { stub in
            var clients: [String: RawTestClient] = [:]
            var upgraded: Set<String> = []
            var outOfStep: Set<String> = []
            var index = 0
            let chunks = transcript.chunks
            while index < chunks.count {
                let chunk = chunks[index]
                index += 1
                guard chunk.fromClient, !outOfStep.contains(chunk.connection),
                      setup.connections.map({ $0.contains(chunk.connection) }) ?? true else { continue }
                let client: RawTestClient
                if let existing = clients[chunk.connection] {
                    client = existing
                } else {
                    client = try await stub.client()
                    clients[chunk.connection] = client
                }
                try await client.send(bytes: chunk.bytes)
                if upgraded.contains(chunk.connection) {
                    // After the 101 the fake nxagent echoes what the client sends.
                    #expect(try await client.readExactly(chunk.bytes.count) == chunk.bytes)
                    continue
                }
                var expected: [UInt8] = []
                while index < chunks.count, !chunks[index].fromClient, chunks[index].connection == chunk.connection {
                    expected += chunks[index].bytes
                    index += 1
                }
                let recorded = RecordedTranscript.responses(in: expected)
                guard !recorded.isEmpty else { continue }
                // The answers to this request: any number of 102s, then one final answer.
                var actual: [RawTestClient.Response] = []
                repeat {
                    actual.append(try await client.readResponse())
                } while actual.last.map({ $0.status == 102 }) ?? false
                if actual.last?.status == 101 { upgraded.insert(chunk.connection) }
                let pairs = Self.lineUp(recorded: recorded, actual: actual, finalOnly: setup.finalOnly)
                exchanges += pairs.map { Exchange(connection: chunk.connection, recorded: $0.recorded, actual: $0.actual) }
                if pairs.contains(where: { $0.actual.statusLine != $0.recorded.head.components(separatedBy: "\r\n")[0] }) {
                    // Out of step: what follows on this connection cannot be lined up.
                    outOfStep.insert(chunk.connection)
                }
            }
            for client in clients.values { await client.close() }
        }
        return exchanges
    }

    /// Pairs the recorded answers to one request with the stub's. A `102` repeated as a
    /// keep-alive (`Waiting for VM to reach state 'running'` every 2 s) counts once on both
    /// sides, since how often it repeats depends on timing. With `finalOnly`, only the final
    /// answers are paired.
    static func lineUp(recorded: [(head: String, body: String)], actual: [RawTestClient.Response], finalOnly: Bool)
        -> [(recorded: (head: String, body: String), actual: RawTestClient.Response)]
    {
        func collapsed<T>(_ items: [T], head: (T) -> String) -> [T] {
            var out: [T] = []
            for item in items {
                if let last = out.last, head(last).hasPrefix("HTTP/1.1 102"), head(last) == head(item) { continue }
                out.append(item)
            }
            return out
        }
        var theirs = collapsed(recorded) { $0.head }
        var ours = collapsed(actual) { $0.rawHead }
        if finalOnly {
            theirs = Array(theirs.suffix(1))
            ours = Array(ours.suffix(1))
        }
        return zip(theirs, ours).map { ($0, $1) }
            + (ours.count < theirs.count ? theirs[ours.count...].map { ($0, RawTestClient.Response.missing) } : [])
            + (theirs.count < ours.count ? ours[theirs.count...].map { (("(nothing recorded)\r\n\r\n", ""), $0) } : [])
    }

    private func compare(_ actual: RawTestClient.Response, with recorded: (head: String, body: String), in name: String) throws {
        let recordedStatus = recorded.head.components(separatedBy: "\r\n")[0]
        #expect(actual.statusLine == recordedStatus, "\(name)")
        if let keyRange = recorded.head.range(of: #"<SLAVE-KEY[^>]*>"#, options: .regularExpression) {
            let key = try #require(actual.header("X-QVD-Slave-Key"))
            #expect(key.count == 64 && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }, "\(name): slave key \(key)")
            #expect(actual.rawHead == recorded.head.replacingCharacters(in: keyRange, with: key), "\(name)")
        } else if recorded.head.contains("application/json") {
            let withoutLength = { (head: String) in head.components(separatedBy: "\r\n").filter { !$0.hasPrefix("Content-Length") } }
            #expect(withoutLength(actual.rawHead) == withoutLength(recorded.head), "\(name)")
            let mine = try JSONSerialization.jsonObject(with: Data(actual.body.utf8)) as? [[String: AnyHashable]]
            let theirs = try JSONSerialization.jsonObject(with: Data(recorded.body.utf8)) as? [[String: AnyHashable]]
            #expect(mine != nil && mine == theirs, "\(name): \(actual.body) vs \(recorded.body)")
        } else if recorded.body.hasPrefix(recordedStatus.dropFirst("HTTP/1.1 ".count)) {
            // A generic status description (`<code> <reason>` and an explanation): ours is in
            // our own words after the same `<code> <reason>`.
            #expect(actual.body.hasPrefix(recordedStatus.dropFirst("HTTP/1.1 ".count)), "\(name)")
            let recordedWithoutLength = recorded.head.components(separatedBy: "\r\n").filter { !$0.hasPrefix("Content-Length") }
            let actualWithoutLength = actual.rawHead.components(separatedBy: "\r\n").filter { !$0.hasPrefix("Content-Length") }
            #expect(actualWithoutLength == recordedWithoutLength, "\(name)")
        } else {
            #expect(actual.rawHead == recorded.head, "\(name)")
            #expect(actual.body == recorded.body, "\(name)")
        }
    }
}

extension RawTestClient.Response {
    /// Stands for an answer the stub did not give.
    static let missing = RawTestClient.Response(statusLine: "(no answer) -", headers: [], body: "", rawHead: "")
}
