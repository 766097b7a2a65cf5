#if canImport(Glibc)
import Glibc
#endif
internal import Subprocess
import SystemPackage

/// The one way every component runs a program: nxagent through `xinit`, `nxproxy`,
/// `sshfs`, the administrator's hooks, `useradd`/`groupadd`, `mkfs`, `sfdisk`.
///
/// - ``run(_:timeout:)`` runs to completion, optionally with a timeout that ends the
///   child's whole process group (`SIGTERM`, a grace period, `SIGKILL`), as hooks need:
///   upstream execs hooks directly with stdin `/dev/null` and output appended to the
///   hooks log, but waits without a timeout (`upstream-vma.md §4.2`); we add the per-hook
///   timeout that kills the process group (spec README, "deliberately differs" item 2).
/// - ``start(_:)`` returns a ``ChildProcessHandle`` for long-lived children.
///
/// Programs are executed directly from an argv, never through a shell. The child gets
/// exactly the configured environment, descriptors 0, 1 and 2 and nothing else, default
/// signal dispositions and an empty signal mask. Safe to call from many tasks at once;
/// nothing blocks the calling thread (the spawn and the exit monitoring run on
/// swift-subprocess's own threads).
public enum ChildProcess {
    /// Runs the child to completion and returns how it ended.
    ///
    /// With a `timeout`, a child still running when it expires is ended together with its
    /// process group as ``ChildProcessHandle/terminate(grace:)`` describes (using
    /// ``ChildProcessConfiguration/terminationGrace``), and the result has `timedOut` set
    /// and a status naming the signal that ended it. If the calling task is cancelled the
    /// child is ended the same way and `.cancelled` is thrown.
    ///
    /// Throws ``ChildProcessError`` when the child cannot be started; a child that starts
    /// and fails is a result, not an error.
    public static func run(
        _ configuration: ChildProcessConfiguration,
        timeout: Duration? = nil
    ) async throws(ChildProcessError) -> ChildProcessResult {
        let handle = try await start(configuration)
        return try await handle.waitTerminatingOnExpiry(timeout: timeout)
    }

    /// Starts the child and returns as soon as it runs (after a successful `exec`).
    public static func start(
        _ configuration: ChildProcessConfiguration
    ) async throws(ChildProcessError) -> ChildProcessHandle {
        let plan: SubprocessLauncher.Plan
        do {
            plan = try prepare(configuration)
        } catch {
            finishLineSinks(of: configuration)
            throw error
        }
        let monitor = ChildProcessMonitor(executable: configuration.executable)
        let started = ContinuousClock.now

        let launch: Result<SubprocessLauncher.Launch, ChildProcessError> = await withCheckedContinuation { continuation in
            // Watches the child for its whole life, independent of the caller's task (and
            // actor), so it is reaped and its output drained even if the handle is dropped.
            Task.detached(priority: Task.currentPriority) {
                var pending: CheckedContinuation<Result<SubprocessLauncher.Launch, ChildProcessError>, Never>? = continuation
                var launchedPid: pid_t = 0
                do {
                    let finished = try await SubprocessLauncher.run(plan) { launch in
                        launchedPid = launch.pid
                        monitor.launched(pid: launch.pid, pidfd: launch.pidfd)
                        pending?.resume(returning: .success(launch))
                        pending = nil
                    }
                    monitor.finish(.success(ChildProcessResult(
                        executable: configuration.executable,
                        pid: launchedPid,
                        status: finished.status,
                        timedOut: false,
                        duration: ContinuousClock.now - started,
                        standardOutput: finished.streams.standardOutput,
                        standardError: finished.streams.standardError
                    )))
                } catch {
                    if let waiting = pending {
                        finishLineSinks(of: configuration)
                        waiting.resume(returning: .failure(SubprocessLauncher.launchError(
                            error,
                            executable: configuration.executable,
                            workingDirectory: configuration.workingDirectory,
                            credentials: configuration.credentials
                        )))
                    } else {
                        let errno = (error as? SubprocessError)?.underlyingError
                        monitor.finish(.failure(ChildProcessError(
                            executable: configuration.executable, kind: .monitoringFailed, errno: errno
                        )))
                    }
                }
            }
        }
        let launched = try launch.get()
        let group: pid_t? = configuration.processGroup == .inherit ? nil : launched.pid
        return ChildProcessHandle(
            pid: launched.pid,
            processGroupID: group,
            executable: configuration.executable,
            terminationGrace: configuration.terminationGrace,
            monitor: monitor
        )
    }

    /// Validates the configuration and turns it into swift-subprocess's terms.
    static func prepare(_ configuration: ChildProcessConfiguration) throws(ChildProcessError) -> SubprocessLauncher.Plan {
        let executable = configuration.executable
        func invalid(_ what: String) -> ChildProcessError {
            ChildProcessError(executable: executable, kind: .invalidArgument(what))
        }
        for (index, argument) in configuration.arguments.enumerated() where argument.utf8.contains(0) {
            throw invalid("argument \(index + 1) (contains a NUL byte)")
        }
        if let zero = configuration.argumentZero, zero.utf8.contains(0) {
            throw invalid("argument 0 (contains a NUL byte)")
        }
        if let directory = configuration.workingDirectory, directory.isEmpty || directory.utf8.contains(0) {
            throw invalid("working directory '\(directory)'")
        }
        let variables = configuration.environment.resolved()
        var environment: [Subprocess.Environment.Key: String] = [:]
        for (key, value) in variables {
            guard !key.isEmpty, !key.contains("="), !key.utf8.contains(0), !value.utf8.contains(0),
                  let subprocessKey = Subprocess.Environment.Key(rawValue: key)
            else {
                throw invalid("environment variable '\(key)' (empty name, '=' in the name or a NUL byte)")
            }
            environment[subprocessKey] = value
        }

        let path = try ExecutableLookup.resolve(
            executable,
            workingDirectory: configuration.workingDirectory,
            pathVariable: variables["PATH"]
        ).get()

        var options = PlatformOptions()
        switch configuration.processGroup {
        case .inherit:
            break
        case .newGroup:
            options.processGroupID = 0
        case .newSession:
            options.createSession = true
        }
        var launchPath = path
        var launchArguments = configuration.arguments
        var argumentZero = configuration.argumentZero
        if let credentials = configuration.credentials {
            // Not swift-subprocess's userID/groupID/supplementaryGroups: its fork path
            // calls glibc's setgroups/setgid/setuid in the child of a raw clone, and glibc
            // then waits forever for "other threads" that only exist in the parent (seen
            // here: a test run hung in __nptl_setxid). util-linux's setpriv (Essential on
            // Debian) switches identity in a fresh single-threaded process, then execs.
            guard let setpriv = ChildProcessCredentials.setprivPath else {
                throw ChildProcessError(executable: executable, kind: .spawnFailed)
            }
            // (uid_t)-1 means "leave unchanged" to setresuid: never let it mean root.
            guard credentials.userID != uid_t.max, credentials.groupID != gid_t.max,
                  !credentials.supplementaryGroups.contains(gid_t.max) else {
                throw ChildProcessError(executable: executable,
                                        kind: .credentialsRejected(userID: credentials.userID, groupID: credentials.groupID),
                                        errno: .invalidArgument)
            }
            if let problem = credentials.executionProblem(path: path) {
                throw ChildProcessError(executable: executable, kind: .permissionDenied, errno: problem)
            }
            launchArguments = credentials.setprivArguments + ["--", path] + configuration.arguments
            launchPath = setpriv
            argumentZero = nil
        }
        // We end children ourselves (ChildProcessHandle.terminate); swift-subprocess's
        // own teardown only runs if its task is cancelled, which ours never is.
        options.teardownSequence = []

        let arguments: Subprocess.Arguments = argumentZero.map {
            Subprocess.Arguments(executablePathOverride: $0, remainingValues: launchArguments)
        } ?? Subprocess.Arguments(launchArguments)

        return SubprocessLauncher.Plan(
            configuration: Subprocess.Configuration(
                executable: .path(FilePath(launchPath)),
                arguments: arguments,
                environment: .custom(environment),
                workingDirectory: configuration.workingDirectory.map { FilePath($0) },
                platformOptions: options
            ),
            input: configuration.standardInput,
            output: configuration.standardOutput,
            error: configuration.standardError
        )
    }

    /// A child that never started still ends its line streams, so nobody awaits them
    /// forever.
    private static func finishLineSinks(of configuration: ChildProcessConfiguration) {
        if case .lineSink(let sink) = configuration.standardOutput { sink.onEnd() }
        if case .lineSink(let sink) = configuration.standardError { sink.onEnd() }
    }
}
