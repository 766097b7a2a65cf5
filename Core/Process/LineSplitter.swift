#if canImport(Glibc)
import Glibc
#endif

/// Splits a byte stream into lines (the decoder behind ``LineSink``, and of the agent's
/// nxagent log follower), apart from any I/O
/// so it is tested and fuzzed alone.
///
/// Splits on `\n`, drops one `\r` before it, cuts lines longer than `maxLineLength`
/// bytes into pieces of that size, and hands back the unterminated rest at ``finish(_:)``.
public struct LineSplitter: Sendable {
    public let maxLineLength: Int
    private var pending: [UInt8] = []

    public init(maxLineLength: Int) {
        self.maxLineLength = max(1, maxLineLength)
    }

    /// Bytes received but not yet part of a delivered line.
    public var pendingByteCount: Int { pending.count }

    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: (String) -> Void) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var start = 0
        while start < bytes.count {
            let remaining = bytes.count - start
            if let found = memchr(base + start, 0x0A, remaining) {
                let newline = base.distance(to: UnsafeRawPointer(found))
                append(UnsafeRawBufferPointer(rebasing: bytes[start..<newline]), emit)
                emitPending(stripCarriageReturn: true, emit)
                start = newline + 1
            } else {
                append(UnsafeRawBufferPointer(rebasing: bytes[start..<bytes.count]), emit)
                start = bytes.count
            }
        }
    }

    public mutating func feed(_ bytes: [UInt8], _ emit: (String) -> Void) {
        bytes.withUnsafeBytes { feed($0, emit) }
    }

    /// End of stream: delivers the last line if it had no `\n`.
    public mutating func finish(_ emit: (String) -> Void) {
        if !pending.isEmpty {
            emitPending(stripCarriageReturn: false, emit)
        }
    }

    private mutating func append(_ chunk: UnsafeRawBufferPointer, _ emit: (String) -> Void) {
        var offset = 0
        while chunk.count - offset > 0 {
            let room = maxLineLength - pending.count
            let take = min(room, chunk.count - offset)
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[offset..<(offset + take)]))
            offset += take
            if pending.count >= maxLineLength, chunk.count - offset > 0 {
                // More of this over-long line follows: hand over a full piece.
                emitPending(stripCarriageReturn: false, emit)
            }
        }
        // A piece that is exactly full with nothing after it in this chunk stays pending
        // until the next byte shows whether the line ends there, so a line of exactly
        // maxLineLength bytes is not followed by a spurious empty line.
    }

    private mutating func emitPending(stripCarriageReturn: Bool, _ emit: (String) -> Void) {
        var line = pending[...]
        if stripCarriageReturn, line.last == 0x0D {
            line = line.dropLast()
        }
        emit(String(decoding: line, as: UTF8.self))
        pending.removeAll(keepingCapacity: true)
    }
}
