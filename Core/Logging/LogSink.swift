/// Where finished log lines go: a file, stderr, or memory in tests.
///
/// Contract: `write(line:)` receives exactly one complete line, ending in `\n`, and hands
/// it to the kernel in a single `write(2)` (looping only on a short write), under a lock,
/// so concurrent writers in this process never interleave inside a line and other
/// processes appending to the same `O_APPEND` file never split one either.
public protocol LogSink: AnyObject, Sendable {
    /// Writes one whole line (the bytes end in `\n`).
    func write(line: [UInt8])
}
