#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import QVDCore

/// Runs the administrator's hooks (`upstream-vma.md §4`; spec README, "deliberately
/// differs" item 2).
///
/// For an event, the executables are the configured single hook (``HookConfiguration/hooks``)
/// followed by the entries of its `.d` folder (``HookDirectory``), each run:
///
/// - directly from argv (``HookInvocation/arguments``), no shell, in the environment of
///   ``HookInvocation/environment(base:)``;
/// - with stdin `/dev/null`, stdout and stderr appended to the hooks log
///   (`${path.log}/qvd-hooks.log`), cwd `/`, as ``HookConfiguration/credentials``
///   (upstream: `uid=0 gid=65534(nogroup) groups=65534(nogroup)`), in a process group of
///   its own; the umask is the agent's (upstream's agent set `vma.user.umask`, 0022);
/// - for at most ``HookConfiguration/timeout`` (`vma.hook.timeout`), after which it and
///   everything in its process group get `SIGTERM`, then `SIGKILL` after
///   ``HookConfiguration/terminationGrace``, and the run fails.
///
/// Every run (or refusal to run) writes one line to the hooks log through the logging
/// module (``HookRunRecord/logMessage``, secrets masked) and the same event to the agent's
/// logger (`info` on success, `error` on failure).
///
/// **Blocking** calls (``run(_:)``: action and provisioning hooks) run the executables in
/// order and stop at the first failure, which is thrown as a ``HookError`` for the RPC
/// caller. A configured hook that is missing or not executable fails the call without
/// starting anything; `.d` entries that cannot run are skipped.
///
/// **Detached** calls (``runDetached(_:)``: state hooks) return at once; the calls run in
/// the background one after the other in the order fired, so a hook script sees
/// transitions in the order they happened (a hanging state hook delays later ones by at
/// most the timeout). Their failures are only logged. ``waitForDetachedHooks()`` waits for
/// everything fired so far, for tests and for the agent's shutdown.
public final class HookRunner: Sendable {
    public let configuration: HookConfiguration
    private let performer: Performer
    private let detached: AsyncStream<DetachedItem>.Continuation
    /// Why the hooks log could not be opened at start, if it could not.
    private let hooksLogError: LogSetupError?

    private enum DetachedItem: Sendable {
        case call(HookInvocation)
        case barrier(CheckedContinuation<Void, Never>)
    }

    /// - Parameter logger: the agent's own logger; every run is logged there too.
    public init(configuration: HookConfiguration, logger: Logger) {
        self.configuration = configuration
        var hooksLog: Logger?
        var hooksLogError: LogSetupError?
        if let path = configuration.hooksLogPath {
            do {
                let sink = try LogFileSink(path: path)
                let redactor = configuration.redactor
                hooksLog = Logger(label: "hook") { label in
                    QVDLogHandler(label: label, sink: sink, threshold: .minimum(.trace), redactor: redactor)
                }
            } catch {
                hooksLogError = error
                logger.warning("cannot open the hooks log; hook output will be discarded", metadata: ["error": "\(error)"])
            }
        }
        self.hooksLogError = hooksLogError
        let performer = Performer(configuration: configuration, logger: logger, hooksLog: hooksLog)
        self.performer = performer
        let (stream, continuation) = AsyncStream<DetachedItem>.makeStream(bufferingPolicy: .unbounded)
        self.detached = continuation
        // The worker holds the performer, not the runner, so dropping the runner finishes
        // the stream; the worker then drains what was fired and ends.
        Task {
            for await item in stream {
                switch item {
                case .call(let invocation):
                    _ = await performer.perform(invocation)
                case .barrier(let waiter):
                    waiter.resume()
                }
            }
        }
    }

    deinit {
        detached.finish()
    }

    /// Runs a blocking hook call: every executable of the event, in order; returns one
    /// record per executable (none when the event has no hook).
    /// - Throws: ``HookError`` for the first executable that failed, timed out or could
    ///   not be run; later ones are not run.
    @discardableResult
    public func run(_ invocation: HookInvocation) async throws(HookError) -> [HookRunRecord] {
        let records = await performer.perform(invocation)
        if let error = records.last?.error {
            throw error
        }
        return records
    }

    /// Fires a detached hook call and returns at once (see the type's documentation).
    public func runDetached(_ invocation: HookInvocation) {
        // No look at the file system here: the caller may be an event loop.
        detached.yield(.call(invocation))
    }

    /// Returns once every detached call fired before it has finished.
    public func waitForDetachedHooks() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            if case .terminated = detached.yield(.barrier(waiter)) {
                waiter.resume()
            }
        }
    }

    /// Whether `event` has anything to run: a configured hook or a runnable `.d` entry.
    /// Provisioning uses this to choose between the hook and the built-in logic
    /// (`upstream-vma.md §5.2`, §5.3: a configured hook is authoritative).
    public func isConfigured(_ event: HookEvent) -> Bool {
        !executables(for: event).isEmpty
    }

    /// The executables a call of `event` would run now, in order.
    public func executables(for event: HookEvent) -> [String] {
        performer.executables(for: event).map(\.path)
    }

    /// Checks every configured hook, every `.d` folder and the hooks log, without running
    /// anything; the agent logs the result as warnings at start-up.
    public func validate() -> [HookConfigurationWarning] {
        var warnings: [HookConfigurationWarning] = []
        if let hooksLogError {
            warnings.append(.hooksLogUnavailable(hooksLogError))
        }
        for event in HookEvent.allCases {
            if let path = configuration.configuredHook(for: event),
               let problem = performer.problem(with: path) {
                warnings.append(.hookNotRunnable(configurationKey: event.configurationKey, path: path, problem: problem))
            }
            if let directory = configuration.hookDirectory(for: event) {
                for entry in directory.list().skipped {
                    warnings.append(.directoryEntrySkipped(configurationKey: event.configurationKey, entry: entry))
                }
            }
        }
        return warnings
    }
}

extension HookRunner {
    /// One executable to run and where it came from.
    struct Executable: Sendable, Hashable {
        let path: String
        /// The configuration key for the configured hook; `nil` for a `.d` entry.
        let configurationKey: String?
    }

    /// Does the work; holds no reference to the runner, so the detached worker can
    /// outlive it.
    struct Performer: Sendable {
        let configuration: HookConfiguration
        let logger: Logger
        let hooksLog: Logger?

        func executables(for event: HookEvent) -> [Executable] {
            var result: [Executable] = []
            if let path = configuration.configuredHook(for: event) {
                result.append(Executable(path: path, configurationKey: event.configurationKey))
            }
            if let directory = configuration.hookDirectory(for: event) {
                result += directory.list().executables.map { Executable(path: $0, configurationKey: nil) }
            }
            return result
        }

        func problem(with path: String) -> HookExecutableProblem? {
            HookExecutableProblem.check(
                path,
                searchPath: HookEnvironment.path(appendingSbinTo: configuration.baseEnvironment["PATH"]),
                workingDirectory: configuration.workingDirectory
            )
        }

        /// Runs the executables in order until one fails; the last record is the failure.
        func perform(_ invocation: HookInvocation) async -> [HookRunRecord] {
            let executables = executables(for: invocation.event)
            guard !executables.isEmpty else { return [] }
            let arguments = invocation.arguments
            let environment = invocation.environment(base: configuration.baseEnvironment)
            let redacted = redact(invocation.pairs)
            var records: [HookRunRecord] = []
            for executable in executables {
                let record = await runOne(executable, invocation, arguments, environment, redacted)
                log(record)
                records.append(record)
                if !record.succeeded { break }
            }
            return records
        }

        private func runOne(
            _ executable: Executable,
            _ invocation: HookInvocation,
            _ arguments: [String],
            _ environment: [String: String],
            _ redacted: [String]
        ) async -> HookRunRecord {
            func record(_ outcome: HookRunRecord.Outcome, _ duration: Duration = .zero) -> HookRunRecord {
                HookRunRecord(event: invocation.event, context: invocation.context, path: executable.path,
                              redactedArguments: redacted, outcome: outcome, duration: duration)
            }
            if let key = executable.configurationKey, let problem = problem(with: executable.path) {
                return record(.notRun(configurationKey: key, problem: problem))
            }
            let output = openHooksLogForChild()
            defer { if let output { close(output) } }
            let destination: ChildProcessOutput = output.map { .fileDescriptor(.init(rawValue: $0), closeAfterSpawn: false) } ?? .discard
            let child = ChildProcessConfiguration(
                executable: executable.path,
                arguments: arguments,
                environment: .exactly(environment),
                workingDirectory: configuration.workingDirectory,
                credentials: configuration.credentials,
                processGroup: .newGroup,
                standardInput: .null,
                standardOutput: destination,
                standardError: destination,
                terminationGrace: configuration.terminationGrace
            )
            let started = ContinuousClock.now
            do {
                let result = try await ChildProcess.run(child, timeout: configuration.timeout)
                if result.timedOut, let limit = configuration.timeout {
                    return record(.timedOut(limit: limit, status: result.status), result.duration)
                }
                return record(.finished(result.status), result.duration)
            } catch {
                if error.kind == .cancelled {
                    return record(.cancelled, ContinuousClock.now - started)
                }
                return record(.cannotStart(error), ContinuousClock.now - started)
            }
        }

        /// The argv pairs with secret keys' values and known secrets masked.
        private func redact(_ pairs: [HookParameter]) -> [String] {
            let redactor = configuration.redactor
            return pairs.flatMap { pair in
                [redactor.redact(pair.key), redactor.isSecretKey(pair.key) ? LogRedactor.mask : redactor.redact(pair.value)]
            }
        }

        /// A fresh `O_APPEND` descriptor on the hooks log for the child's stdout and
        /// stderr (opened per run, so a rotated log is followed without a signal), or
        /// `nil` to discard the output.
        private func openHooksLogForChild() -> Int32? {
            guard let path = configuration.hooksLogPath else { return nil }
            let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
            if descriptor < 0 {
                let code = errno
                logger.warning("cannot open the hooks log for a hook's output; discarding it",
                               metadata: ["path": "\(path)", "errno": "\(code)"])
                return nil
            }
            return descriptor
        }

        private func log(_ record: HookRunRecord) {
            let level: Logger.Level = record.succeeded ? .info : .error
            let message = Logger.Message(stringLiteral: record.logMessage)
            hooksLog?.log(level: level, message)
            logger.log(level: level, message)
        }
    }
}
