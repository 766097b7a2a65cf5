import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import QVDCore
import SystemPackage

/// Follows `qvd-nxagent.log` like `tail -F` and hands every complete new line to a callback.
///
/// Why a file and not a pipe: xinit and nxagent write their output straight into the log,
/// so they never depend on the agent being alive. A restarted `qvd-vma` re-adopts the
/// session and simply follows the log again from its end (issue 3, "Restart safety"); a pipe
/// would have died with the old agent and taken nxagent down with SIGPIPE.
public final class NXAgentLogFollower: Sendable {
    private let task: Task<Void, Never>

    /// Starts following `path` from byte `offset` (the file's size when the session was
    /// launched or adopted). Polls every `interval`; a rotated (replaced or truncated) file
    /// is followed from its start.
    public init(path: String, offset: Int64, interval: Duration = .milliseconds(50),
                onLine: @escaping @Sendable (String) async -> Void) {
        task = Task.detached {
            var reader = Reader(path: path, offset: offset)
            while !Task.isCancelled {
                let lines = reader.poll()
                for line in lines { await onLine(line) }
                if lines.isEmpty {
                    try? await Task.sleep(for: interval)
                }
            }
            reader.close()
        }
    }

    public func stop() { task.cancel() }

    deinit { task.cancel() }

    /// The size of `path` now, to start following from; 0 if it does not exist.
    public static func currentSize(of path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// The polling reader: plain state, no concurrency.
    struct Reader {
        let path: String
        var offset: Int64
        var descriptor: FileDescriptor?
        var inode: ino_t = 0
        /// Core's splitter: `\n` ends a line, one `\r` before it is dropped, an endless
        /// line is cut into 1 MiB pieces instead of growing without bound.
        var splitter = LineSplitter(maxLineLength: LineSink.defaultMaxLineLength)

        init(path: String, offset: Int64) {
            self.path = path
            self.offset = offset
        }

        mutating func poll() -> [String] {
            var info = stat()
            guard stat(path, &info) == 0 else { return [] }
            if descriptor == nil || info.st_ino != inode {
                if descriptor != nil { offset = 0; splitter = LineSplitter(maxLineLength: splitter.maxLineLength) }   // rotated: new file from its start
                close()
                guard let fd = try? FileDescriptor.open(path, .readOnly, options: [.closeOnExec]) else { return [] }
                descriptor = fd
                inode = info.st_ino
            }
            if Int64(info.st_size) < offset { offset = 0; splitter = LineSplitter(maxLineLength: splitter.maxLineLength) }   // truncated
            guard let fd = descriptor, Int64(info.st_size) > offset else { return [] }
            var chunk = [UInt8](repeating: 0, count: min(Int(Int64(info.st_size) - offset), 1 << 20))
            let count = (try? chunk.withUnsafeMutableBytes { try fd.read(fromAbsoluteOffset: offset, into: $0) }) ?? 0
            guard count > 0 else { return [] }
            offset += Int64(count)
            var lines: [String] = []
            chunk.withUnsafeBytes { splitter.feed(UnsafeRawBufferPointer(rebasing: $0[0..<count])) { lines.append($0) } }
            return lines
        }

        mutating func close() {
            try? descriptor?.close()
            descriptor = nil
        }
    }
}
