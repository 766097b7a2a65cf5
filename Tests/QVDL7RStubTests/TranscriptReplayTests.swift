import Foundation
import Testing
@testable import QVDL7RStub

/// Replays the requests real clients sent (recorded against the real L7R,
/// `/work/shared/spec/transcripts/client/l7r-*.txt`) to the stub, with a FAKE VMA and a FAKE
/// nxagent echo server behind it, and compares the answers with the recorded ones.
///
/// Allowed differences, each upstream-compatible: JSON key order (upstream's is random), the
/// slave key (random), and the generic error bodies, which are our own words (spec README);
/// for those the first line, `<code> <reason>`, must match.
/// The recordings live in the shared spec folder, outside this repository; the suite is
/// skipped where that folder is absent.
@Suite(.serialized, .timeLimit(.minutes(1)),
       .enabled(if: FileManager.default.fileExists(atPath: RecordedTranscript.directory)))
struct TranscriptReplayTests {
    @Test(arguments: [("l7r-c-connect.txt", 7), ("l7r-p-connect.txt", 7), ("l7r-p-wrongpw.txt", 5), ("l7r-c-list.txt", 1)])
    func replayGivesTheRecordedResponses(name: String, responseCount: Int) async throws {
        let transcript = try RecordedTranscript(named: name)
        #expect(transcript.chunks.contains { $0.fromClient })
        try await StubFixture.with { stub in
            var clients: [String: RawTestClient] = [:]
            var upgraded: Set<String> = []
            var index = 0
            var compared = 0
            let chunks = transcript.chunks
            while index < chunks.count {
                let chunk = chunks[index]
                index += 1
                guard chunk.fromClient else { continue }
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
                for recorded in RecordedTranscript.responses(in: expected) {
                    let actual = try await client.readResponse()
                    try compare(actual, with: recorded, in: name)
                    compared += 1
                    if actual.status == 101 { upgraded.insert(chunk.connection) }
                }
            }
            #expect(compared == responseCount)
            for client in clients.values { await client.close() }
        }
    }

    private func compare(_ actual: RawTestClient.Response, with recorded: (head: String, body: String), in name: String) throws {
        let recordedStatus = recorded.head.components(separatedBy: "\r\n")[0]
        #expect(actual.statusLine == recordedStatus, "\(name)")
        if recorded.head.contains("X-QVD-Slave-Key: ") {
            let key = try #require(actual.header("X-QVD-Slave-Key"))
            #expect(actual.rawHead == recorded.head.replacingOccurrences(of: "<SLAVE-KEY>", with: key), "\(name)")
        } else if recorded.head.contains("application/json") {
            #expect(actual.rawHead == recorded.head, "\(name)")
            let mine = try JSONSerialization.jsonObject(with: Data(actual.body.utf8)) as? [[String: AnyHashable]]
            let theirs = try JSONSerialization.jsonObject(with: Data(recorded.body.utf8)) as? [[String: AnyHashable]]
            #expect(mine == theirs, "\(name)")
        } else if recorded.body.hasPrefix(recordedStatus.dropFirst("HTTP/1.1 ".count) + "\n") {
            // A generic status description: ours is in our own words.
            #expect(actual.body.hasPrefix(recordedStatus.dropFirst("HTTP/1.1 ".count) + "\n"), "\(name)")
            let recordedWithoutLength = recorded.head.components(separatedBy: "\r\n").filter { !$0.hasPrefix("Content-Length") }
            let actualWithoutLength = actual.rawHead.components(separatedBy: "\r\n").filter { !$0.hasPrefix("Content-Length") }
            #expect(actualWithoutLength == recordedWithoutLength, "\(name)")
        } else {
            #expect(actual.rawHead == recorded.head, "\(name)")
            #expect(actual.body == recorded.body, "\(name)")
        }
    }
}
