#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import QVDCore
import Synchronization

/// Shares the configured client folders with the VM once the NX session runs
/// (`upstream-slave-channel.md` §1.1, §5): one `qvd-slaveclient share DIR [--read-only]`
/// child per `client.share.N` (N = 0, 1, … up to the first missing one), only when
/// `client.slave.enable` and `client.file_sharing.enable` are on. Without any
/// `client.share.N`, `$HOME` and `/media` (when it exists) are shared, as the key table and
/// upstream's clients do.
///
/// The children start when the session is forwarding, which may be before nxproxy's slave
/// listener is up; like upstream's Perl client (`Frame.pm` 734-763) a child that cannot reach
/// the slave channel (exit 4) before printing its ticket is retried, ``attempts`` times in
/// all, ``retryDelay`` apart. Each share gets one status line. ``Running/stop()`` ends them
/// all when the session ends.
public struct ShareLauncher: Sendable {
    /// One folder to share.
    public struct Share: Sendable, Hashable {
        /// The local folder (`client.share.N`, `~` expanded).
        public var folder: String
        /// `client.share.N.readonly`.
        public var readOnly: Bool

        public init(folder: String, readOnly: Bool = false) {
            self.folder = folder
            self.readOnly = readOnly
        }
    }

    public var shares: [Share]
    /// `client.slave.client`, or `qvd-slaveclient` beside the running `qvdclient`.
    public var program: String
    /// The children's environment (the session's `HOME`, so they find `~/.qvd/slave-port`).
    public var environment: [String: String]
    public var attempts: Int
    public var retryDelay: Duration
    public var console: any ClientConsole
    public var logger: Logger

    public init(shares: [Share], program: String, environment: [String: String], attempts: Int = 11,
                retryDelay: Duration = .seconds(1), console: any ClientConsole, logger: Logger) {
        self.shares = shares
        self.program = program
        self.environment = environment
        self.attempts = attempts
        self.retryDelay = retryDelay
        self.console = console
        self.logger = logger
    }

    /// `qvd-slaveclient share`'s exit status when the slave channel cannot be reached.
    public static let connectionExitCode: Int32 = 4

    /// The launcher for `settings`' session, reading the share keys from the same files
    /// `qvdclient` read (`/etc/qvd/client.conf`, `~/.qvd/client.conf`); `nil` when sharing
    /// is off, nothing is to be shared or no slave client program is found.
    public static func configured(settings: ClientSettings, console: any ClientConsole, logger: Logger,
                                  environment: [String: String] = ProcessInfo.processInfo.environment,
                                  systemFile: String? = ClientConfigDefaults.systemFile) -> ShareLauncher? {
        guard settings.nxproxy.slaveEnabled else { return nil }
        let home = settings.userDirectory.hasSuffix("/.qvd") ? String(settings.userDirectory.dropLast(5)) : settings.userDirectory
        do {
            let config = try Configuration.load(schema: ClientConfigDefaults.table, systemFile: systemFile,
                                                userFile: home + "/" + ClientConfigDefaults.userFileInHome,
                                                environment: environment, commandLine: [])
            guard try config.optionalBool("client.file_sharing.enable") ?? true else { return nil }
            let shares = try Self.shares(from: config, home: home)
            guard !shares.isEmpty, let program = Self.program(configured: try config.optionalString("client.slave.client")) else {
                return nil
            }
            var childEnvironment = environment
            childEnvironment["HOME"] = home
            return ShareLauncher(shares: shares, program: program, environment: childEnvironment, console: console, logger: logger)
        } catch {
            console.status("not sharing folders: \(error)")
            logger.warning("shares not started", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// `client.share.0`, `client.share.1`, … up to the first missing or empty one, with
    /// their `.readonly` flags; `$HOME` and `/media` (if present) when there is none.
    public static func shares(from config: Configuration, home: String,
                              mediaExists: Bool = FileManager.default.fileExists(atPath: "/media"))
        throws(ConfigError) -> [Share]
    {
        var shares: [Share] = []
        var index = 0
        while let folder = try config.optionalString("client.share.\(index)"), !folder.isEmpty {
            let expanded = folder == "~" ? home : folder.hasPrefix("~/") ? home + folder.dropFirst(1) : folder
            shares.append(Share(folder: expanded, readOnly: try config.optionalBool("client.share.\(index).readonly") ?? false))
            index += 1
        }
        if shares.isEmpty {
            shares.append(Share(folder: home))
            if mediaExists { shares.append(Share(folder: "/media")) }
        }
        return shares
    }

    /// The configured program when executable, else `qvd-slaveclient` beside this process's
    /// executable; `nil` when neither is.
    public static func program(configured: String?) -> String? {
        if let configured, !configured.isEmpty, FileCheck.isExecutable(configured) { return configured }
        let beside = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path + "/qvd-slaveclient"
        return FileCheck.isExecutable(beside) ? beside : nil
    }

    /// The `share` arguments for one share.
    public static func arguments(for share: Share) -> [String] {
        ["share", share.folder] + (share.readOnly ? ["--read-only"] : [])
    }

    /// Starts one task per share; returns at once.
    public func start() -> Running {
        let running = Running()
        for share in shares {
            running.add(Task { await serve(share, running: running) })
        }
        return running
    }

    private func serve(_ share: Share, running: Running) async {
        for attempt in 1...max(1, attempts) {
            if Task.isCancelled || running.isStopped { return }
            let ticket = Mutex<String?>(nil)
            let handle: ChildProcessHandle
            do {
                handle = try await ChildProcess.start(ChildProcessConfiguration(
                    executable: program, arguments: Self.arguments(for: share), environment: .exactly(environment),
                    standardOutput: .lines { line in
                        let first = ticket.withLock { value -> Bool in
                            guard value == nil, !line.isEmpty else { return false }
                            value = line
                            return true
                        }
                        if first { console.status("sharing \(share.folder) as ~/Redirected/\(line)\(share.readOnly ? " (read-only)" : "")") }
                    },
                    standardError: .discard))
            } catch {
                console.status("cannot share \(share.folder): \(error)")
                return
            }
            guard running.track(handle) else {
                _ = try? await handle.terminate(grace: .seconds(1))
                return
            }
            let status = (try? await handle.wait())?.status
            running.untrack(handle)
            let shared = ticket.withLock { $0 != nil }
            if shared || running.isStopped { return }
            if status?.exitCode == Self.connectionExitCode, attempt < attempts {
                try? await Task.sleep(for: retryDelay)
                continue
            }
            console.status("could not share \(share.folder): qvd-slaveclient \(status.map { "\($0)" } ?? "failed")")
            logger.warning("share failed", metadata: ["folder": "\(share.folder)", "attempts": "\(attempt)"])
            return
        }
    }

    /// The running share children of one session.
    public final class Running: Sendable {
        private struct State {
            var tasks: [Task<Void, Never>] = []
            var handles: [ChildProcessHandle] = []
            var stopped = false
        }

        private let state = Mutex(State())

        init() {}

        var isStopped: Bool { state.withLock { $0.stopped } }

        func add(_ task: Task<Void, Never>) { state.withLock { $0.tasks.append(task) } }

        /// Records a child; false (the caller ends it) once stopped.
        func track(_ handle: ChildProcessHandle) -> Bool {
            state.withLock { state in
                guard !state.stopped else { return false }
                state.handles.append(handle)
                return true
            }
        }

        func untrack(_ handle: ChildProcessHandle) {
            state.withLock { $0.handles.removeAll { $0 === handle } }
        }

        /// Ends every share child (SIGTERM, then SIGKILL) and waits for the tasks.
        public func stop() async {
            let (tasks, handles) = state.withLock { state in
                state.stopped = true
                return (state.tasks, state.handles)
            }
            for handle in handles { _ = try? await handle.terminate(grace: .seconds(2)) }
            for task in tasks {
                task.cancel()
                await task.value
            }
        }
    }
}
