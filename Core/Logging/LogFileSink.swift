#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import SystemPackage

/// A log file shared by every handler of the process: opened `O_WRONLY|O_APPEND|O_CREAT|
/// O_CLOEXEC` with mode 0640 (before the umask), written one whole line per `write(2)`
/// under a lock, and re-openable so logrotate can move it away (`upstream-vma.md §10`:
/// upstream rotates inside Log4perl; we leave rotation to logrotate and reopen on SIGHUP).
///
/// Every sink made by `init(path:)` is remembered (weakly) so `reopenAll()` — called by
/// `LogReopenSignalHandler` — can reopen all of them.
public final class LogFileSink: LogSink {
    /// The path as configured; `reopen()` opens this path again.
    public let path: String

    private struct State {
        var descriptor: FileDescriptor?
        var closed = false
        var droppedLines = 0
    }

    private let state: Mutex<State>

    /// Opens (creating if needed) the log file at `path`.
    /// - Throws: `LogSetupError.parentDirectoryMissing` when the directory does not exist,
    ///   `.cannotOpen` for any other failure.
    public init(path: String) throws(LogSetupError) {
        self.path = path
        let descriptor = try Self.openForAppending(path)
        self.state = Mutex(State(descriptor: descriptor))
        LogFileSinkRegistry.shared.add(self)
    }

    deinit {
        state.withLock { state in
            try? state.descriptor?.close()
            state.descriptor = nil
        }
    }

    public func write(line: [UInt8]) {
        state.withLock { state in
            guard let descriptor = state.descriptor else {
                state.droppedLines += 1
                return
            }
            do {
                // writeAll issues one write(2) for the line and only loops on a short
                // write or EINTR; a line is never split between two writers.
                _ = try descriptor.writeAll(line)
            } catch {
                state.droppedLines += 1
            }
        }
    }

    /// Opens `path` again and switches to the new descriptor; the old one is closed only
    /// once the new one is open, so a failed reopen keeps logging to the old file.
    /// Does nothing on a sink that was `close()`d.
    public func reopen() throws(LogSetupError) {
        guard !isClosed else { return }
        let fresh = try Self.openForAppending(path)
        let old: FileDescriptor? = state.withLock { state in
            if state.closed { return fresh }  // closed meanwhile: drop the new descriptor
            let old = state.descriptor
            state.descriptor = fresh
            return old
        }
        try? old?.close()
    }

    /// Closes the file for good (reopen no longer revives it); later lines are counted in
    /// `droppedLineCount` and lost.
    public func close() {
        let old: FileDescriptor? = state.withLock { state in
            let old = state.descriptor
            state.descriptor = nil
            state.closed = true
            return old
        }
        try? old?.close()
    }

    /// True once `close()` was called.
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Lines that could not be written (disk full, closed sink, ...).
    public var droppedLineCount: Int { state.withLock { $0.droppedLines } }

    /// Reopens every live file sink of the process; returns the failures (each sink that
    /// failed keeps its old descriptor).
    @discardableResult
    public static func reopenAll() -> [LogSetupError] {
        var failures: [LogSetupError] = []
        for sink in LogFileSinkRegistry.shared.liveSinks() {
            do {
                try sink.reopen()
            } catch {
                failures.append(error)
            }
        }
        return failures
    }

    private static func openForAppending(_ path: String) throws(LogSetupError) -> FileDescriptor {
        do {
            return try FileDescriptor.open(
                FilePath(path),
                .writeOnly,
                options: [.append, .create, .closeOnExec],
                permissions: [.ownerReadWrite, .groupRead],
                retryOnInterrupt: true
            )
        } catch let errno as Errno {
            if errno == .noSuchFileOrDirectory {
                let directory = Self.parentDirectory(of: path)
                if !Self.isDirectory(directory) {
                    throw .parentDirectoryMissing(path: path, directory: directory)
                }
            }
            throw .cannotOpen(path: path, errno: errno)
        } catch {
            // FileDescriptor.open only throws Errno; keep the compiler and reader honest.
            throw .cannotOpen(path: path, errno: .ioError)
        }
    }

    private static func parentDirectory(of path: String) -> String {
        let parent = FilePath(path).removingLastComponent()
        return parent.isEmpty ? "." : parent.string
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }
}

/// Weak references to every `LogFileSink`, for reopening them all on SIGHUP.
final class LogFileSinkRegistry: Sendable {
    static let shared = LogFileSinkRegistry()

    private struct WeakSink {
        weak var sink: LogFileSink?
    }

    private let entries = Mutex<[WeakSink]>([])

    func add(_ sink: LogFileSink) {
        entries.withLock { entries in
            entries.removeAll { $0.sink == nil }
            entries.append(WeakSink(sink: sink))
        }
    }

    func liveSinks() -> [LogFileSink] {
        entries.withLock { entries in
            entries.removeAll { $0.sink == nil }
            return entries.compactMap(\.sink)
        }
    }
}
