// qvd-vma-slaveserver: the client → VM slave-channel server. nxagent runs one per slave
// connection, as the session user, with the stream on stdin/stdout and no arguments
// (`upstream-slave-channel.md` §1.2–1.3); the agent exports it as NX_SLAVE_CMD.
//
// Configuration: built-in defaults, then $QVD_VMA_CONFIG or /etc/qvd/vma.conf. The key is
// read from internal.vma.slave.config. The log goes to vma-slaveserver.log.filename
// (~/.qvd/qvd-vma-slaveserver.log), else stderr (the nxagent log); it never holds the key.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import QVDCore
import QVDSlave

signal(SIGPIPE, SIG_IGN)
let environment = ProcessInfo.processInfo.environment
let stream = SlaveStream(input: STDIN_FILENO, output: STDOUT_FILENO)

func refuseAll(_ error: any Error) -> Never {
    stream.refuseFirstRequestAndExit(program: "qvd-vma-slaveserver", side: "VM", because: error)
}

let settings: VMSlaveConfiguration
let key: SlaveKey
do {
    let file = environment["QVD_VMA_CONFIG"].flatMap { $0.isEmpty ? nil : $0 } ?? VMAConfigDefaults.systemFile
    let config = try Configuration.load(schema: VMAConfigDefaults.table, systemFile: file, environment: environment)
    settings = try VMSlaveConfiguration(configuration: config, environment: environment)
    key = try SlaveKey.load(from: settings.keyFile)
} catch {
    refuseAll(error)
}

do {
    let threshold = try QVDLogging.threshold(forUpstreamName: settings.logLevel)
    let logDirectory = (settings.logFile as NSString).deletingLastPathComponent
    _ = mkdir(logDirectory, 0o700)
    let redactor = LogRedactor.standard.adding(secrets: [key.secret])
    do {
        try QVDLogging.bootstrap(destination: .file(path: settings.logFile), level: threshold, redactor: redactor)
    } catch {
        try QVDLogging.bootstrap(destination: .standardError, level: threshold, redactor: redactor)
    }
} catch {
    refuseAll(error)
}

let logger = Logger(label: "qvd-vma-slaveserver")
let server = VMSlaveServer(configuration: settings, key: key, stream: stream,
                           shareServer: ShareServers.preferred(logger: logger), logger: logger)
let outcome = server.run()
stream.discardPendingInput()
exit(outcome == .finished ? 0 : 1)
