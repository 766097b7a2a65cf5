#if canImport(Glibc)
import Glibc
#endif
internal import Subprocess
import Synchronization
import SystemPackage

/// Runs one child through swift-subprocess (1.0.2) and pumps its output.
///
/// swift-subprocess does the spawning: `posix_spawn` (or, with a uid/gid switch, its own
/// fork/exec in C), with every descriptor but 0/1/2 closed in the child, all signal
/// dispositions reset to default and the signal mask emptied (so `SIG_IGN` for SIGPIPE or
/// SIGHUP in the agent never reaches a child), and pidfd-based exit monitoring on its own
/// epoll thread, so nothing here blocks a NIO event loop.
///
/// What it does not offer, and this file and ``ChildProcessHandle`` add:
/// - a handle that outlives the scoped `run { execution in … }` body: the body reports
///   the pid (and a pidfd duplicate we own) as soon as the child exists, then pumps the
///   output; `run` returning means the child was reaped;
/// - line splitting with a bounded line length that never throws or drops bytes (its
///   `strings()` throws past the limit and splits on CR, VT, FF and Unicode separators
///   too, which would mangle nxagent's log lines);
/// - bounded collection that keeps draining past the limit (its `.string(limit:)` fails);
/// - stdin bytes through our own pipe (its `.array(_:)` input crashes when the child
///   stops reading early; see `run`);
/// - timeouts that signal the whole process group, with a grace period.
enum SubprocessLauncher {
    struct Plan: Sendable {
        let configuration: Subprocess.Configuration
        let input: ChildProcessInput
        let output: ChildProcessOutput
        let error: ChildProcessOutput
    }

    struct Launch: Sendable {
        let pid: pid_t
        /// Our own close-on-exec duplicate of the child's pidfd, or -1.
        let pidfd: Int32
    }

    struct Streams: Sendable {
        var standardOutput: CollectedOutput?
        var standardError: CollectedOutput?
    }

    /// Bytes to write into the child's stdin pipe, and our (non-blocking) end of it.
    struct Feed: Sendable {
        let bytes: [UInt8]
        let pipeEnd: PipeEnd
    }

    /// Our end of the stdin pipe, closed exactly once: by the writer when it is done (the
    /// child then reads end of file), or after the run when the body never started. A
    /// second `close` could hit an unrelated descriptor that reused the number.
    final class PipeEnd: Sendable {
        private let descriptor: Mutex<Int32>

        init(_ descriptor: Int32) {
            self.descriptor = Mutex(descriptor)
        }

        /// The open descriptor, or -1 once closed.
        var rawValue: Int32 { descriptor.withLock { $0 } }

        func close() {
            descriptor.withLock { value in
                if value >= 0 {
                    _ = Glibc.close(value)
                    value = -1
                }
            }
        }
    }

    /// Spawns, calls `onLaunch` once the child exists, pumps its output and returns once
    /// it has exited and been reaped.
    static func run(
        _ plan: Plan,
        onLaunch: (Launch) -> Void
    ) async throws -> (status: ChildProcessStatus, streams: Streams) {
        // swift-subprocess's `run` is generic over the input and output kinds; pick the
        // concrete types one stage at a time.
        switch plan.input {
        case .null:
            let input: NoInput = .none
            return try await choosingOutput(plan, input, nil, onLaunch)
        case .fileDescriptor(let descriptor, let close):
            let input: FileDescriptorInput = .fileDescriptor(descriptor, closeAfterSpawningProcess: close)
            return try await choosingOutput(plan, input, nil, onLaunch)
        case .bytes(let bytes):
            // Not swift-subprocess's `.array(_:)`: in 1.0.2, when the child exits without
            // reading all of it, the failed write leaves its writer's descriptor open and
            // the writer's deinit then stops the whole process with a fatal error. We
            // feed our own pipe instead (see `write(_:childPid:childPidfd:)`).
            let (readEnd, writeEnd) = try makeInputPipe()
            defer { writeEnd.close() }
            // A child that exits without reading its input must not kill us with SIGPIPE.
            _ = ignoredBrokenPipe
            let input: FileDescriptorInput = .fileDescriptor(readEnd, closeAfterSpawningProcess: true)
            return try await choosingOutput(plan, input, Feed(bytes: bytes, pipeEnd: writeEnd), onLaunch)
        }
    }

    private static func choosingOutput<Input: InputProtocol>(
        _ plan: Plan,
        _ input: Input,
        _ feed: Feed?,
        _ onLaunch: (Launch) -> Void
    ) async throws -> (status: ChildProcessStatus, streams: Streams) {
        switch plan.output {
        case .discard:
            let output: DiscardedOutput = .discarded
            return try await choosingError(plan, input, output, feed, onLaunch)
        case .fileDescriptor(let descriptor, let close):
            let output: FileDescriptorOutput = .fileDescriptor(descriptor, closeAfterSpawningProcess: close)
            return try await choosingError(plan, input, output, feed, onLaunch)
        case .lineSink, .collect:
            let output: SequenceOutput = .sequence
            return try await choosingError(plan, input, output, feed, onLaunch)
        }
    }

    private static func choosingError<Input: InputProtocol, Output: OutputProtocol>(
        _ plan: Plan,
        _ input: Input,
        _ output: Output,
        _ feed: Feed?,
        _ onLaunch: (Launch) -> Void
    ) async throws -> (status: ChildProcessStatus, streams: Streams) {
        switch plan.error {
        case .discard:
            let error: DiscardedOutput = .discarded
            return try await launch(plan, input, output, error, feed, onLaunch)
        case .fileDescriptor(let descriptor, let close):
            let error: FileDescriptorOutput = .fileDescriptor(descriptor, closeAfterSpawningProcess: close)
            return try await launch(plan, input, output, error, feed, onLaunch)
        case .lineSink, .collect:
            let error: SequenceOutput = .sequence
            return try await launch(plan, input, output, error, feed, onLaunch)
        }
    }

    private static func launch<Input: InputProtocol, Output: OutputProtocol, Error: ErrorOutputProtocol>(
        _ plan: Plan,
        _ input: Input,
        _ output: Output,
        _ error: Error,
        _ feed: Feed?,
        _ onLaunch: (Launch) -> Void
    ) async throws -> (status: ChildProcessStatus, streams: Streams) {
        let result = try await Subprocess.run(
            plan.configuration,
            input: input,
            output: output,
            error: error
        ) { execution -> Streams in
            let identifier = execution.processIdentifier
            let launch = Launch(
                pid: identifier.value,
                pidfd: ProcessControl.duplicateCloseOnExec(identifier.processDescriptor)
            )
            onLaunch(launch)
            // The streams exist only when the kind is `.sequence`; which one it is is
            // known here only at run time.
            let standardOutput = (execution as? Subprocess.Execution<Input, SequenceOutput, Error>)?.standardOutput
            let standardError = (execution as? Subprocess.Execution<Input, Output, SequenceOutput>)?.standardError
            async let pumpedOutput = pump(standardOutput, into: plan.output)
            async let pumpedError = pump(standardError, into: plan.error)
            if let feed {
                // `launch.pidfd` stays open while this body runs: the monitor closes it
                // only after `run` has returned.
                await write(feed, childPid: launch.pid, childPidfd: launch.pidfd)
            }
            return Streams(standardOutput: await pumpedOutput, standardError: await pumpedError)
        }
        return (status(result.terminationStatus), result.closureResult)
    }

    /// Reads one stream to its end (or until swift-subprocess stops it because the child
    /// exited while a grandchild still holds the pipe open) into its destination.
    private static func pump(
        _ sequence: SubprocessOutputSequence?,
        into destination: ChildProcessOutput
    ) async -> CollectedOutput? {
        guard let sequence else { return nil }
        switch destination {
        case .lineSink(let sink):
            var splitter = LineSplitter(maxLineLength: sink.maxLineLength)
            do {
                for try await buffer in sequence {
                    buffer.withUnsafeBytes { splitter.feed($0, sink.onLine) }
                }
            } catch {
                // A read error ends the stream like EOF; the exit status still tells.
            }
            splitter.finish(sink.onLine)
            sink.onEnd()
            return nil
        case .collect(let limit):
            var builder = CollectedOutput.Builder(limit: limit)
            do {
                for try await buffer in sequence {
                    buffer.withUnsafeBytes { builder.append($0) }
                }
            } catch {
                // As above.
            }
            return builder.result
        case .discard, .fileDescriptor:
            return nil
        }
    }

    /// A close-on-exec pipe for the child's stdin; our (write) end non-blocking.
    private static func makeInputPipe() throws -> (readEnd: FileDescriptor, writeEnd: PipeEnd) {
        var descriptors: [Int32] = [-1, -1]
        // pipe2 is not in the Swift Glibc module. The moment before FD_CLOEXEC is set
        // does not matter: every spawn in this process goes through swift-subprocess,
        // which closes all descriptors above 2 in the child anyway.
        guard pipe(&descriptors) == 0 else {
            throw LaunchPreparationError.pipe(Errno(rawValue: errno))
        }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        let flags = fcntl(descriptors[1], F_GETFL)
        _ = fcntl(descriptors[1], F_SETFL, flags | O_NONBLOCK)
        return (FileDescriptor(rawValue: descriptors[0]), PipeEnd(descriptors[1]))
    }

    /// Our own failures before a spawn (mapped to `.spawnFailed` with the errno).
    enum LaunchPreparationError: Swift.Error {
        case pipe(Errno)
    }

    /// Writes the feed into the child's stdin and closes it. Stops early, without
    /// error, when the child stops reading: EPIPE (no reader left) or the child exited
    /// while a grandchild holds the pipe open without reading. Waits with short sleeps
    /// while the pipe is full: stdin data here is small (a hook's input), so this costs
    /// nothing and needs no extra thread.
    private static func write(_ feed: Feed, childPid: pid_t, childPidfd: Int32) async {
        defer { feed.pipeEnd.close() }
        let descriptor = feed.pipeEnd.rawValue
        var offset = 0
        while offset < feed.bytes.count {
            let written = feed.bytes.withUnsafeBytes { raw in
                Glibc.write(descriptor, raw.baseAddress?.advanced(by: offset), raw.count - offset)
            }
            if written > 0 {
                offset += written
                continue
            }
            let error = errno
            if written < 0, error == EINTR { continue }
            guard written < 0, error == EAGAIN || error == EWOULDBLOCK else {
                return  // EPIPE: the reader is gone.
            }
            if ProcessControl.hasExited(pid: childPid, pidfd: childPidfd) {
                return
            }
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Ignores SIGPIPE for this process the first time it is read, exactly as swift-nio
    /// does when it creates its first socket or pipe (NIOPosix `globallyIgnoredSIGPIPE`),
    /// so a write to a pipe whose reader is gone fails with EPIPE instead. Children are
    /// unaffected: their signal dispositions are reset to default before `exec`.
    private static let ignoredBrokenPipe: Bool = {
        _ = Glibc.signal(SIGPIPE, SIG_IGN)
        return true
    }()

    static func status(_ status: Subprocess.TerminationStatus) -> ChildProcessStatus {
        switch status {
        case .exited(let code):
            return .exited(code)
        case .signaled(let signal):
            return .signalled(ProcessSignal(rawValue: signal))
        }
    }

    /// Translates a swift-subprocess failure before the child existed. The executable
    /// was already found and checked by ``ExecutableLookup``, so what remains is the
    /// kernel's verdict at `exec` time, the working directory and the credentials.
    static func launchError(
        _ error: any Swift.Error,
        executable: String,
        workingDirectory: String?,
        credentials: ChildProcessCredentials?
    ) -> ChildProcessError {
        if case LaunchPreparationError.pipe(let errno)? = error as? LaunchPreparationError {
            return ChildProcessError(executable: executable, kind: .spawnFailed, errno: errno)
        }
        guard let error = error as? SubprocessError else {
            return ChildProcessError(executable: executable, kind: .spawnFailed)
        }
        let errno = error.underlyingError
        switch error.code {
        case .executableNotFound:
            // exec said ENOENT/EACCES/ENOTDIR for a file that exists and passed our
            // access check: a missing #! interpreter, or no permission for the target user.
            if credentials != nil {
                return ChildProcessError(executable: executable, kind: .permissionDenied, errno: errno)
            }
            return ChildProcessError(executable: executable, kind: .cannotExecute, errno: errno)
        case .failedToChangeWorkingDirectory:
            return ChildProcessError(executable: executable, kind: .badWorkingDirectory(workingDirectory ?? ""), errno: errno)
        case .spawnFailed:
            if let credentials, let errno, errno == .notPermitted || errno == .invalidArgument {
                return ChildProcessError(
                    executable: executable,
                    kind: .credentialsRejected(userID: credentials.userID, groupID: credentials.groupID),
                    errno: errno
                )
            }
            if let errno, errno == .execFormatError {
                return ChildProcessError(executable: executable, kind: .cannotExecute, errno: errno)
            }
            if let errno, errno == .argListTooLong {
                return ChildProcessError(executable: executable, kind: .invalidArgument("argument list (too long)"), errno: errno)
            }
            return ChildProcessError(executable: executable, kind: .spawnFailed, errno: errno)
        default:
            return ChildProcessError(executable: executable, kind: .spawnFailed, errno: errno)
        }
    }
}
