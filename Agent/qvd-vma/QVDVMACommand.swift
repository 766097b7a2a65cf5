import ArgumentParser
import FoundationEssentials
import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import QVDAgent
import QVDCore

/// `qvd-vma`: the QVD agent inside a desktop VM (issue 3). `run()` only wires parts
/// together; everything it wires lives in `QVDAgent`.
@main
struct QVDVMACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qvd-vma",
        abstract: "The QVD virtual machine agent: serves the QVD server's RPC on port 3030 and runs the user's NX session.",
        discussion: """
            The QVD server (HKD and L7R) drives this agent over HTTP: GET /vma/x_start starts \
            or resumes the user's nxagent session, x_state reports it, x_suspend and x_stop \
            end it, expire and poweroff handle image expiry and shutdown. Admin hook scripts \
            run on each event (vma.on_action.*, vma.on_state.*, vma.on_provisioning.* and the \
            folders /etc/qvd/hooks/<key>.d/).

            Configuration: built-in defaults, then the system file (--config, else \
            $QVD_VMA_CONFIG, else /etc/qvd/vma.conf), then QVD_LOG_* environment variables, \
            then these options. See every key with --help-config and what is in force with \
            --check-config.

            Logs: log.filename (default /var/log/qvd/qvd.log), nxagent's output in \
            /var/log/qvd/qvd-nxagent.log, hook runs in /var/log/qvd/qvd-hooks.log; with \
            --foreground the agent's own log goes to standard error. SIGHUP reopens the logs.

            Stopping the agent (SIGTERM) leaves a running session alone; a restarted agent \
            re-adopts it. Use --stop-session to end the session on purpose.

            Exit status: 0 on a clean stop, 1 on a configuration error, 64 on a usage error, \
            3 when the agent cannot start (port in use, run directory not writable).
            """,
        version: QVDVersion.string)

    @Option(name: .long, help: ArgumentHelp("Configuration file to read instead of $QVD_VMA_CONFIG or /etc/qvd/vma.conf.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Address to listen on (vma.address); default: every interface.", valueName: "address"))
    var address: String?

    @Flag(name: .long, help: "Stay in the foreground and log to standard error (for systemd and debugging).")
    var foreground = false

    @Flag(name: .long, help: "Print every effective configuration key with its value and where it came from, then exit (1 if it has errors).")
    var checkConfig = false

    @Flag(name: .long, help: "Print every configuration key with its default and meaning, then exit.")
    var helpConfig = false

    @Flag(name: .long, help: "End the running NX session (TERM, then KILL after internal.nxagent.timeout.stopping), then exit.")
    var stopSession = false

    func run() async throws {
        if helpConfig {
            print(ConfigHelpRenderer.render(VMAConfigDefaults.table, file: VMAConfigDefaults.systemFile), terminator: "")
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let explicitFile = config ?? environment["QVD_VMA_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        let loaded: Configuration
        do {
            var commandLine: [(option: String, key: String, value: String)] = []
            if let address { commandLine.append((option: "--address", key: "vma.address", value: address)) }
            loaded = try Configuration.load(
                schema: VMAConfigDefaults.table, systemFile: explicitFile ?? VMAConfigDefaults.systemFile,
                systemFileRequired: explicitFile != nil, environment: environment, commandLine: commandLine)
        } catch {
            Self.fail("qvd-vma: configuration error: \(error)", code: 1)
        }
        if checkConfig {
            let (text, hasErrors) = ConfigCheckRenderer.render(loaded)
            print(text, terminator: "")
            if hasErrors { throw ExitCode(1) }
            return
        }
        var configuration: VMAConfiguration
        do {
            configuration = try VMAConfiguration(loaded, environment: environment)
            // The session's slave server (nxagent's child) reads the same file.
            configuration.environment.configFile = explicitFile.map(Self.absolutePath)
        } catch {
            Self.fail("qvd-vma: configuration error: \(error)", code: 1)
        }
        let logConfiguration: LogConfiguration
        do {
            logConfiguration = try LogConfiguration(loaded)
        } catch {
            Self.fail("qvd-vma: configuration error: \(error)", code: 1)
        }
        let destination: LogDestination = foreground || stopSession
            ? .standardError
            : .file(path: logConfiguration.filename ?? configuration.logDirectory + "/qvd.log")
        do {
            _ = try QVDLogging.bootstrap(destination: destination, level: LogThreshold(upstreamName: logConfiguration.level.name) ?? .minimum(.info))
        } catch {
            Self.fail("qvd-vma: cannot open the log: \(error)", code: 3)
        }
        for warning in loaded.warnings { Logger(label: "vma").warning("\(warning)") }

        if stopSession {
            let stopped = await SessionTerminator(configuration: configuration, logger: Logger(label: "vma")).stop()
            throw ExitCode(stopped ? 0 : 1)
        }
        do {
            try await VMADaemon(configuration: configuration, logger: Logger(label: "vma")).run()
        } catch {
            Self.fail("qvd-vma: \(error)", code: 3)
        }
    }

    /// `path` made absolute against the current directory (the session starts elsewhere).
    static func absolutePath(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    static func fail(_ message: String, code: Int32) -> Never {
        _ = try? FileDescriptor.standardError.writeAll(Array((message + "\n").utf8))
        Glibc.exit(code)
    }
}
