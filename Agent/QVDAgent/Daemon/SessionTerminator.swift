import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import QVDCore

/// `qvd-vma --stop-session`: ends the running session on purpose (issue 3). A stopped agent
/// leaves the session running, so this is how an admin ends it: TERM to the nxagent named in
/// `nxagent.pid` (only if that pid really is an nxagent), KILL after
/// `internal.nxagent.timeout.stopping`. A running agent sees nxagent end and fires the hooks.
public struct SessionTerminator: Sendable {
    public let configuration: VMAConfiguration
    public let logger: Logger

    public init(configuration: VMAConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Returns true when no session is left running.
    public func stop() async -> Bool {
        let store = SessionFileStore(files: configuration.files)
        guard let text = store.readPIDFile(), let pid = SessionStateFiles.parsePIDFile(text) else {
            logger.info("no session is running (no \(configuration.files.pidFilePath))")
            return true
        }
        guard SessionController.isNXAgent(pid: pid), let process = AdoptedProcess(pid: pid) else {
            logger.info("no session is running: pid \(pid) in \(configuration.files.pidFilePath) is not an nxagent; removing the stale files")
            store.removeStateFiles()
            return true
        }
        let grace = Duration.milliseconds(Int64(configuration.session.timeouts.stopping * 1000))
        logger.notice("stopping the session: TERM to nxagent \(pid)")
        if let signal = await process.terminate(grace: grace) {
            logger.notice("nxagent \(pid) ended after \(signal.name)")
        }
        return !process.isAlive
    }
}
