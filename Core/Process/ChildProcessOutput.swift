public import SystemPackage

/// Where a child's standard output or standard error goes.
public enum ChildProcessOutput: Sendable {
    /// `/dev/null`.
    case discard
    /// A descriptor the caller opened, e.g. a log file opened with `O_APPEND` (so the
    /// child's lines land after everything already there). The caller's copy is closed
    /// after the spawn only when asked.
    case fileDescriptor(FileDescriptor, closeAfterSpawn: Bool = false)
    /// Line by line to the caller while the child runs (see ``LineSink``).
    case lineSink(LineSink)
    /// Collected in memory, keeping at most `limit` bytes (the first ones); the rest is
    /// read and counted but dropped, so a chatty child never blocks or exhausts memory.
    /// The result is in ``ChildProcessResult/standardOutput`` / `standardError`.
    case collect(limit: Int)

    /// Each line to `onLine`, in order.
    public static func lines(
        maxLineLength: Int = LineSink.defaultMaxLineLength,
        _ onLine: @escaping @Sendable (String) -> Void
    ) -> Self {
        .lineSink(LineSink(maxLineLength: maxLineLength, onLine: onLine))
    }

    /// The lines as an `AsyncStream` that finishes when the child closes the stream.
    public static func lineStream(
        maxLineLength: Int = LineSink.defaultMaxLineLength
    ) -> (lines: AsyncStream<String>, output: Self) {
        let (stream, sink) = LineSink.stream(maxLineLength: maxLineLength)
        return (stream, .lineSink(sink))
    }
}
