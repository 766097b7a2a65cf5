#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging
import QVDCore
import SystemPackage

/// `qvd-vma-slaveserver`: the client → VM side of the slave channel, one process per
/// connection with the stream on stdin/stdout, running as the session user
/// (`upstream-slave-channel.md` §1.3, §2.2).
///
/// The loop reads a request head, lets `VMSlaveRouter` decide, and performs the decision.
/// Every refusal is answered and ends that request (upstream went on after most of them,
/// §6 item 5). Requests keep coming on the connection until the client closes it, a
/// refusal closes it, or an upgrade hands the stream over:
/// - `PUT /shares/**` → mount directory, `101` + `X-QVD-Share-Ticket`, then this process
///   **becomes** sshfs (`execv`; the stream stays on fds 0/1, and nothing past the head
///   was read, so sshfs sees the SFTP stream from its first byte — sshfs speaks first,
///   with `SSH_FXP_INIT`, but the client may not send anything before the 101 anyway);
/// - `GET /shares/**` → `101`, then the folder is served over SFTP in-process until EOF.
public final class VMSlaveServer {
    /// How the process ends.
    public enum Outcome: Sendable, Hashable {
        /// The client closed the stream, or a refusal closed it.
        case finished
        /// The stream broke or a served share failed.
        case failed
    }

    /// Largest request body accepted (none of the routes takes one; upstream's clients
    /// send none).
    public static let maxBodyBytes = 64 * 1024

    let configuration: VMSlaveConfiguration
    let key: SlaveKey
    let stream: SlaveStream
    let shareServer: any ShareServing
    let logger: Logger
    let unmounter: FuseUnmounter
    /// Replaces this process with sshfs; only returns when `execv` failed.
    let exec: (SSHFSCommandLine) -> Int32

    public init(configuration: VMSlaveConfiguration, key: SlaveKey, stream: SlaveStream,
                shareServer: any ShareServing, logger: Logger,
                exec: @escaping (SSHFSCommandLine) -> Int32 = VMSlaveServer.execv) {
        self.configuration = configuration
        self.key = key
        self.stream = stream
        self.shareServer = shareServer
        self.logger = logger
        self.unmounter = FuseUnmounter(program: ExecutableSearch.fusermount(path: configuration.searchPath), logger: logger)
        self.exec = exec
    }

    public func run() -> Outcome {
        do {
            while let head = try stream.nextRequestHead(maxBodyBytes: Self.maxBodyBytes, logger: logger) {
                try stream.skipBody(count: head.contentLength ?? 0)
                switch VMSlaveRouter.route(head, key: key) {
                case .failure(let refusal):
                    logger.info("\(head.method) \(Self.printable(head.rawPath)) refused: \(refusal.status)")
                    try stream.send(refusal)
                    if refusal.closesConnection { return .finished }
                case .success(let request):
                    if let outcome = try handle(request) { return outcome }
                }
            }
            return .finished
        } catch {
            logger.error("slave connection ended: \(error)")
            return .failed
        }
    }

    /// Performs one request; a non-`nil` result ends the connection.
    func handle(_ request: VMSlaveRequest) throws(SlaveError) -> Outcome? {
        switch request {
        case .share(let clientPath, let upgrade):
            return try share(clientPath: clientPath, upgrade: upgrade)
        case .export(let vmPath, _):
            return try export(vmPath: vmPath)
        case .open(let ticket, let path):
            try open(ticket: ticket, path: path)
            return nil
        case .list:
            let entries = configuration.shares.entries()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = (try? encoder.encode(entries)) ?? Data("[]".utf8)
            try stream.send(status: .ok, contentType: "application/json", body: String(decoding: data, as: UTF8.self))
            return nil
        case .unshare(let text):
            guard let name = ShareName(validating: text) else {
                try stream.send(HTTPErrorResponse(status: .forbidden, message: "Not a share name.\n"))
                return nil
            }
            do {
                if try configuration.shares.remove(name, unmounter: unmounter) {
                    logger.info("share \(name) unmounted and removed")
                    try stream.send(status: .ok, body: "")
                } else {
                    try stream.send(HTTPErrorResponse(status: .notFound, message: "No share \(ExportPolicy.printable(name.value)).\n"))
                }
            } catch {
                logger.error("unshare \(name): \(error)")
                try stream.send(HTTPErrorResponse(status: .internalServerError, message: "\(error)\n"))
            }
            return nil
        }
    }

    private func share(clientPath: String, upgrade: SlaveUpgrade) throws(SlaveError) -> Outcome? {
        guard let program = configuration.resolveProgram(configuration.sshfsProgram, fallbackName: "sshfs") else {
            logger.error("cannot mount a client share: \(configuration.sshfsProgram) is not installed")
            try stream.send(HTTPErrorResponse(status: .notImplemented, message: "SSHFS support not installed on VM\n"))
            return nil
        }
        let flavour = SSHFSFlavour.detect(program: program, cacheFile: configuration.home + "/.qvd/sshfs-version.cache")
        let name: ShareName
        do {
            name = try configuration.shares.allocate(ShareName.derive(fromClientPath: clientPath), unmounter: unmounter)
        } catch {
            logger.error("share \(Self.printable(clientPath)): \(error)")
            try stream.send(HTTPErrorResponse(status: .internalServerError, message: "\(error)\n"))
            return nil
        }
        let command = SSHFSCommandLine(
            program: program, mountPoint: configuration.shares.directory(of: name), flavour: flavour,
            userID: getuid(), groupID: getgid(), extraArguments: configuration.sshfsExtraArguments, upgrade: upgrade)
        var headers = HTTPHeaders()
        headers.add(name: "X-QVD-Share-Ticket", value: name.value)
        try stream.send(HTTPResponseHead(status: .switchingProtocols, headers: headers))
        logger.info("client folder \(Self.printable(clientPath)) mounts on \(command.arguments[1]): \(program) \(command.arguments.joined(separator: " "))")
        let error = exec(command)
        logger.error("cannot run \(program): \(SlaveError.errnoText(error))")
        _ = rmdir(configuration.shares.directory(of: name))
        return .failed
    }

    private func export(vmPath: String) throws(SlaveError) -> Outcome? {
        let policy = ExportPolicy(home: configuration.home, roots: configuration.exportRoots)
        switch policy.resolve(vmPath) {
        case .failure(let refusal):
            logger.info("export \(Self.printable(vmPath)) refused: \(refusal.status)")
            try stream.send(refusal)
            return nil
        case .success(let root):
            try stream.send(HTTPResponseHead(status: .switchingProtocols))
            logger.info("serving \(root) to the client")
            do {
                try shareServer.serve(root: root, readOnly: false, input: stream.input, output: stream.output)
                return .finished
            } catch {
                logger.error("serving \(root): \(error)")
                return .failed
            }
        }
    }

    private func open(ticket: String?, path: String) throws(SlaveError) {
        let policy = OpenPolicy(shares: configuration.shares)
        switch policy.resolve(ticket: ticket, path: path) {
        case .failure(let refusal):
            logger.info("open \(Self.printable(path)) in share \(Self.printable(ticket ?? "-")) refused: \(refusal.status)")
            try stream.send(refusal)
        case .success(let file):
            guard let program = configuration.resolveProgram(configuration.openFileProgram) else {
                try stream.send(HTTPErrorResponse(status: .notImplemented,
                                                  message: "\(configuration.openFileProgram) is not installed on the VM\n"))
                return
            }
            let display = configuration.display
            let started = DetachedOpener.start(program, argument: file, environment: .inherited(updating: ["DISPLAY": display], removing: []))
            switch started {
            case .success(let pid):
                logger.info("opened \(file) with \(program) (pid \(pid)) on \(display)")
                try stream.send(status: .ok, body: "")
            case .failure(let error):
                logger.error("cannot open \(file): \(error)")
                try stream.send(HTTPErrorResponse(status: .internalServerError, message: "\(error)\n"))
            }
        }
    }

    static func printable(_ text: String) -> String { ExportPolicy.printable(text) }

    /// `execv(2)` of the command; returns `errno` when it failed.
    public static func execv(_ command: SSHFSCommandLine) -> Int32 {
        let argv = ([command.program] + command.arguments).map { strdup($0) } + [nil]
        // An ignored signal stays ignored across exec: give sshfs the default SIGPIPE.
        signal(SIGPIPE, SIG_DFL)
        _ = Glibc.execv(command.program, argv)
        let saved = errno
        argv.forEach { free($0) }
        return saved
    }
}
