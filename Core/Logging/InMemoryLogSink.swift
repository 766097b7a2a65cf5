import Synchronization

/// A sink that keeps lines in memory, for tests of code that logs.
public final class InMemoryLogSink: LogSink {
    private let storage = Mutex<[String]>([])

    public init() {}

    public func write(line: [UInt8]) {
        var bytes = line[...]
        if bytes.last == UInt8(ascii: "\n") { bytes = bytes.dropLast() }
        let text = String(decoding: bytes, as: UTF8.self)
        storage.withLock { $0.append(text) }
    }

    /// The lines written so far, without their trailing newline.
    public var lines: [String] { storage.withLock { $0 } }

    /// Forgets every line written so far.
    public func removeAll() { storage.withLock { $0.removeAll() } }
}
