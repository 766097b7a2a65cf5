import Logging
import QVDCore
import SystemPackage

/// `qvd-client-slaveserver`: the VM → client side of the slave channel, one process per
/// connection (nxproxy's `NX_SLAVE_CMD`) with the stream on stdin/stdout
/// (`upstream-slave-channel.md` §2.3). Upstream's had no authentication and a TCP relay
/// into the client's network; this one needs the key on every request and answers only
/// `GET /ping`, `GET /version` and (when enabled) `POST /open-url`.
public final class ClientSlaveServer {
    /// How the connection ended: the process exit status (0 / 1).
    public enum Outcome: Sendable, Hashable {
        case finished
        case failed
    }

    /// Features listed by `GET /version`.
    public static func features(openURLEnabled: Bool) -> [String] {
        ["ping", "version"] + (openURLEnabled ? ["open-url"] : [])
    }

    let configuration: ClientSlaveConfiguration
    let key: SlaveKey
    let stream: SlaveStream
    let logger: Logger

    public init(configuration: ClientSlaveConfiguration, key: SlaveKey, stream: SlaveStream, logger: Logger) {
        self.configuration = configuration
        self.key = key
        self.stream = stream
        self.logger = logger
    }

    public func run() -> Outcome {
        do {
            while let head = try stream.nextRequestHead(maxBodyBytes: ClientSlaveRouter.maxURLBytes, logger: logger) {
                let body = try stream.readBody(count: head.contentLength ?? 0)
                switch ClientSlaveRouter.route(head, body: body, key: key, openURLEnabled: configuration.openURLEnabled) {
                case .failure(let refusal):
                    logger.info("\(head.method) \(ExportPolicy.printable(head.rawPath)) refused: \(refusal.status)")
                    try stream.send(refusal)
                    if refusal.closesConnection { return .finished }
                case .success(.ping):
                    try stream.send(status: .ok, body: "Pong!\n")
                case .success(.version):
                    let features = Self.features(openURLEnabled: configuration.openURLEnabled).joined(separator: " ")
                    try stream.send(status: .ok, body: "\(QVDVersion.string)\nfeatures: \(features)\n")
                case .success(.openURL(let url)):
                    try openURL(url)
                }
            }
            return .finished
        } catch {
            logger.error("slave connection ended: \(error)")
            return .failed
        }
    }

    private func openURL(_ url: String) throws(SlaveError) {
        guard let program = ExecutableSearch.find(configuration.openURLProgram, path: configuration.searchPath) else {
            try stream.send(HTTPErrorResponse(status: .notImplemented,
                                              message: "\(configuration.openURLProgram) is not installed on the client\n"))
            return
        }
        let started = DetachedOpener.start(program, argument: url, environment: .inherited)
        switch started {
        case .success(let pid):
            logger.info("asked the desktop to open \(url) (\(program), pid \(pid))")
            try stream.send(status: .ok, body: "")
        case .failure(let error):
            logger.error("cannot open \(url): \(error)")
            try stream.send(HTTPErrorResponse(status: .internalServerError, message: "\(error)\n"))
        }
    }
}
