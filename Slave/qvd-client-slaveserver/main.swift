// qvd-client-slaveserver: the VM → client slave-channel server. nxproxy runs one per
// slave connection with the stream on stdin/stdout and no arguments (NX_SLAVE_CMD,
// `upstream-slave-channel.md` §1.2). The key is the session's ~/.qvd/slave-key, written by
// qvdclient; configuration: defaults, /etc/qvd/client.conf, ~/.qvd/client.conf. Logs go
// to stderr (nxproxy's log) and never hold the key.
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
    stream.refuseFirstRequestAndExit(program: "qvd-client-slaveserver", side: "client", because: error)
}

let settings: ClientSlaveConfiguration
let key: SlaveKey
do {
    let home = environment["HOME"] ?? VMSlaveConfiguration.home(environment: environment)
    let config = try Configuration.load(schema: ClientConfigDefaults.table, systemFile: ClientConfigDefaults.systemFile,
                                        userFile: home + "/" + ClientConfigDefaults.userFileInHome,
                                        environment: environment)
    settings = try ClientSlaveConfiguration(configuration: config, environment: environment)
    key = try SlaveKey.load(from: settings.keyFile)
    try QVDLogging.bootstrap(destination: .standardError,
                             level: try QVDLogging.threshold(forUpstreamName: settings.logLevel),
                             redactor: LogRedactor.standard.adding(secrets: [key.secret]))
} catch {
    refuseAll(error)
}

let server = ClientSlaveServer(configuration: settings, key: key, stream: stream,
                               logger: Logger(label: "qvd-client-slaveserver"))
let outcome = server.run()
stream.discardPendingInput()
exit(outcome == .finished ? 0 : 1)
