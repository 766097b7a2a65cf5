import NIOCore

@testable import QVDCore

/// Helpers shared by the HTTP tests.
enum HTTPTestSupport {
    /// The UTF-8 bytes of `text`.
    static func bytes(_ text: String) -> [UInt8] {
        Array(text.utf8)
    }

    /// A deterministic pseudo-random generator (SplitMix64), so failures reproduce.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64

        init(seed: UInt64) {
            self.state = seed
        }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// `count` pseudo-random bytes.
    static func payload(count: Int, seed: UInt64 = 42) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// The expected head, or the error, of a one-shot request parse.
    static func parseRequest(_ text: String) -> HTTPHeadParseResult<HTTPRequestHead> {
        HTTPRequestHeadParser.parse(bytes(text))
    }

    /// The bytes of all `buffers`, in order.
    static func concatenate(_ buffers: [ByteBuffer]) -> [UInt8] {
        buffers.flatMap { Array($0.readableBytesView) }
    }
}
