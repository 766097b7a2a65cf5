/// Output collected by ``ChildProcessOutput/collect(limit:)``: the first bytes the child
/// wrote, up to the limit, and how many it wrote in all.
public struct CollectedOutput: Sendable, Hashable, CustomStringConvertible {
    /// The kept bytes (at most the limit).
    public let bytes: [UInt8]
    /// Every byte the child wrote, kept or not.
    public let totalByteCount: Int

    public init(bytes: [UInt8], totalByteCount: Int) {
        self.bytes = bytes
        self.totalByteCount = totalByteCount
    }

    /// `true` when the child wrote more than the limit.
    public var isTruncated: Bool { totalByteCount > bytes.count }

    /// The kept bytes as UTF-8 text (invalid sequences become U+FFFD).
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The kept bytes split into lines as ``LineSink`` would deliver them.
    public var lines: [String] {
        var splitter = LineSplitter(maxLineLength: max(1, bytes.count))
        var result: [String] = []
        splitter.feed(bytes) { result.append($0) }
        splitter.finish { result.append($0) }
        return result
    }

    public var description: String {
        isTruncated ? "\(text)… [\(totalByteCount - bytes.count) more bytes dropped]" : text
    }

    /// Accumulates bytes up to a limit, counting the rest.
    struct Builder: Sendable {
        let limit: Int
        private(set) var bytes: [UInt8] = []
        private(set) var total = 0

        init(limit: Int) {
            self.limit = max(0, limit)
        }

        mutating func append(_ chunk: UnsafeRawBufferPointer) {
            total += chunk.count
            let room = limit - bytes.count
            if room > 0 {
                bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<min(room, chunk.count)]))
            }
        }

        var result: CollectedOutput { CollectedOutput(bytes: bytes, totalByteCount: total) }
    }
}
