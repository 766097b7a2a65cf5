/// Receives a child's output one line at a time, in order, as it is written.
///
/// Lines are split on `\n`; the `\n` (and a `\r` just before it) is removed. Bytes that
/// are not valid UTF-8 are replaced with U+FFFD. A final line without `\n` is delivered
/// at end of file. A line longer than ``maxLineLength`` bytes is delivered in pieces of
/// at most that many bytes, so a child can never make us buffer without bound; no byte is
/// dropped. ``onEnd`` runs once, after the last line, also when the child failed to start.
///
/// The callbacks run on the task that reads the pipe, one at a time; a slow callback
/// slows the reader (and so, through the full pipe, the child) but never loses a line.
///
/// Output is read until the pipe closes or, if a background grandchild keeps it open,
/// until the child itself has exited and what is already in the pipe has been read.
/// A child that must outlive this process (the X session across an agent restart)
/// should write to a file instead: a pipe whose reader has gone raises SIGPIPE in it.
public struct LineSink: Sendable {
    /// 1 MiB: far beyond any line nxagent, hooks or system tools print.
    public static let defaultMaxLineLength = 1 << 20

    public let maxLineLength: Int
    public let onLine: @Sendable (String) -> Void
    public let onEnd: @Sendable () -> Void

    public init(
        maxLineLength: Int = LineSink.defaultMaxLineLength,
        onLine: @escaping @Sendable (String) -> Void,
        onEnd: @escaping @Sendable () -> Void = {}
    ) {
        self.maxLineLength = max(1, maxLineLength)
        self.onLine = onLine
        self.onEnd = onEnd
    }

    /// A sink that feeds an `AsyncStream`, finished at end of output. The stream buffers
    /// without limit, so a consumer that falls behind loses nothing.
    public static func stream(
        maxLineLength: Int = LineSink.defaultMaxLineLength
    ) -> (lines: AsyncStream<String>, sink: LineSink) {
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .unbounded)
        let sink = LineSink(
            maxLineLength: maxLineLength,
            onLine: { continuation.yield($0) },
            onEnd: { continuation.finish() }
        )
        return (stream, sink)
    }
}
