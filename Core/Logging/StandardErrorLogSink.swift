import Synchronization
import SystemPackage

/// The foreground destination: file descriptor 2, one `write(2)` per line.
public final class StandardErrorLogSink: LogSink {
    /// The single instance; every handler writing to stderr shares its lock.
    public static let shared = StandardErrorLogSink()

    private let lock = Mutex(())

    private init() {}

    public func write(line: [UInt8]) {
        lock.withLock { _ in
            // Nothing sensible can be done when stderr itself fails.
            _ = try? FileDescriptor.standardError.writeAll(line)
        }
    }
}
