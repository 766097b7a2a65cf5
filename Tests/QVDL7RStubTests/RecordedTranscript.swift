import Foundation

/// A recorder log from the shared spec's `transcripts/client/` (format:
/// `upstream-clients-observed.md` §2): the chunks each side sent, per connection, with the
/// `\r`/`\n` escapes decoded and `<base64(user:pass)>` replaced by the real base64.
struct RecordedTranscript {
    struct Chunk {
        var connection: String
        var fromClient: Bool
        var bytes: [UInt8]
    }

    /// The shared folder lies beside the checkout (`../shared`), for developers and CI alike.
    /// (Symlinks resolved first: a scratch package may link this folder in.)
    static let directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/spec/transcripts/client").path

    var chunks: [Chunk] = []

    init(named name: String) throws {
        let text = try String(contentsOfFile: Self.directory + "/" + name, encoding: .utf8)
        var current: Chunk?
        // A request or response head of the test-double recorder ends at its blank line;
        // the annotations that follow (`parsed:`, `query[1]`, `header[1]`) are not bytes.
        var headOnly = false
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("["), let close = line.firstIndex(of: "]") {
                if let chunk = current { chunks.append(chunk) }
                current = nil
                let header = line[..<close]
                let rest = line[line.index(after: close)...]
                let connection = String(header.split(separator: " ").last ?? "")
                if rest.hasPrefix(" --> client chunk") {
                    current = Chunk(connection: connection, fromClient: true, bytes: [])
                    headOnly = false
                } else if rest.hasPrefix(" <-- backend chunk") || rest.hasPrefix(" <-- server chunk") {
                    current = Chunk(connection: connection, fromClient: false, bytes: [])
                    headOnly = false
                } else if rest.hasPrefix(" --> request #") {
                    current = Chunk(connection: connection, fromClient: true, bytes: [])
                    headOnly = true
                } else if rest.hasPrefix(" <-- response head") {
                    current = Chunk(connection: connection, fromClient: false, bytes: [])
                    headOnly = true
                } else if rest.hasPrefix(" <-- response body") {
                    current = Chunk(connection: connection, fromClient: false, bytes: [])
                    headOnly = false
                }
                continue
            }
            guard current != nil, line.hasPrefix("                  ") else {
                if let chunk = current { chunks.append(chunk) }
                current = nil
                continue
            }
            let bytes = Self.decode(String(line.dropFirst(18)))
            current?.bytes += bytes
            if headOnly, bytes == [0x0D, 0x0A] || bytes == [0x0A], let chunk = current {
                chunks.append(chunk)
                current = nil
            }
        }
        if let chunk = current { chunks.append(chunk) }
        // Consecutive server pieces of one connection form one stream (a head then its body).
        var merged: [Chunk] = []
        for chunk in chunks {
            if let last = merged.last, !last.fromClient, !chunk.fromClient, last.connection == chunk.connection {
                merged[merged.count - 1].bytes += chunk.bytes
            } else {
                merged.append(chunk)
            }
        }
        chunks = merged
    }

    /// Whether the recording holds wire bytes at all (`l7r-raw-*` and `l7rtls-*` give
    /// only descriptions or the client's console).
    var hasWireBytes: Bool { chunks.contains { $0.fromClient } }

    /// Decodes `\r`, `\n`, `\t`, `\\`, `\xHH` and `<base64(u:p)>`.
    static func decode(_ text: String) -> [UInt8] {
        var text = text
        while let open = text.range(of: "<base64("), let close = text.range(of: ")>", range: open.upperBound..<text.endIndex) {
            let credentials = String(text[open.upperBound..<close.lowerBound])
            text.replaceSubrange(open.lowerBound..<close.upperBound, with: Data(credentials.utf8).base64EncodedString())
        }
        var out: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            guard byte == UInt8(ascii: "\\"), let next = bytes.first else {
                out.append(byte)
                continue
            }
            switch next {
            case UInt8(ascii: "r"): out.append(0x0D); bytes.removeFirst()
            case UInt8(ascii: "n"): out.append(0x0A); bytes.removeFirst()
            case UInt8(ascii: "t"): out.append(0x09); bytes.removeFirst()
            case UInt8(ascii: "\\"): out.append(0x5C); bytes.removeFirst()
            case UInt8(ascii: "x") where bytes.count >= 3:
                let hex = String(decoding: bytes.dropFirst().prefix(2), as: UTF8.self)
                if let value = UInt8(hex, radix: 16) {
                    out.append(value)
                    bytes.removeFirst(3)
                } else {
                    out.append(byte)
                }
            default: out.append(byte)
            }
        }
        return out
    }

    /// Splits recorded server bytes into responses (head text, body text).
    static func responses(in bytes: [UInt8]) -> [(head: String, body: String)] {
        var rest = bytes[...]
        var result: [(head: String, body: String)] = []
        let terminator = Array("\r\n\r\n".utf8)
        while !rest.isEmpty {
            guard let end = rest.indices.first(where: { rest[$0...].starts(with: terminator) }) else { break }
            let head = String(decoding: rest[..<(end + 4)], as: UTF8.self)
            rest = rest[(end + 4)...]
            var length = 0
            if !head.hasPrefix("HTTP/1.1 1"), let line = head.components(separatedBy: "\r\n").first(where: { $0.hasPrefix("Content-Length: ") }) {
                length = Int(line.dropFirst("Content-Length: ".count)) ?? 0
            }
            let body = String(decoding: rest.prefix(length), as: UTF8.self)
            rest = rest.dropFirst(length)
            result.append((head, body))
        }
        return result
    }
}
