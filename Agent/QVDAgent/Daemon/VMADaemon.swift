import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import QVDCore
import QVDHooks
import ServiceLifecycle

/// The running agent: session controller, hook runner and RPC server, started and stopped
/// together under swift-service-lifecycle. SIGTERM and SIGINT stop the RPC server and leave
/// the session running (issue 3, "Restart safety"); SIGHUP reopens the log files.
public struct VMADaemon: Sendable {
    public let configuration: VMAConfiguration
    public let logger: Logger

    public init(configuration: VMAConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        umask(configuration.umask)
        let hooks = HookRunner(configuration: configuration.hooks, logger: Logger(label: "vma.hooks"))
        for warning in hooks.validate() { logger.warning("\(warning)") }
        let controller = SessionController(configuration: configuration, hooks: hooks, logger: Logger(label: "vma.session"))
        try await controller.start()
        let service = VMAService(controller: controller, hooks: hooks, configuration: configuration, logger: Logger(label: "vma.rpc"))
        let server = VMARPCServer(
            configuration: VMARPCServerConfiguration(address: configuration.address ?? "", port: configuration.port),
            service: service, logger: Logger(label: "vma.rpc"))
        do {
            let address = try await server.start()
            logger.notice("qvd-vma \(QVDVersion.string) listening on \(address)")
        } catch {
            await controller.shutdown()
            throw error
        }
        let reopen = QVDLogging.reopenLogFilesOnSIGHUP()
        defer { reopen.cancel() }
        let pidFile = PIDFile(path: configuration.pidFile)
        pidFile.write(logger: logger)
        defer { pidFile.remove() }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: RPCServerService(server: server))],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
        await controller.shutdown()
        logger.notice("qvd-vma stopped; the session (if any) keeps running")
    }
}

/// Runs the RPC server under swift-service-lifecycle: on graceful shutdown it stops
/// accepting and finishes in-flight replies.
struct RPCServerService: Service {
    let server: VMARPCServer

    func run() async throws {
        try? await gracefulShutdown()
        await server.shutdown()
    }
}

/// `vma.pid_file`: the agent's pid for init scripts and tooling.
struct PIDFile: Sendable {
    let path: String

    func write(logger: Logger) {
        do {
            try SessionFileStore.atomicWrite("\(getpid())\n", to: path, mode: 0o644)
        } catch {
            logger.warning("\(error)")
        }
    }

    func remove() { unlink(path) }
}
