#if canImport(Glibc)
import Glibc
#endif
import Logging
import SystemPackage

/// The client's in-process SFTP version 3 server for one shared folder, confined to it
/// (`README.md` "deliberately differs" item 4; replaces upstream's unconfined
/// `sftp-server`, `upstream-slave-channel.md` §3.3 and §6.1). It speaks what OpenSSH's
/// `sftp-server` speaks to sshfs (`sshfs -o slave`/`-o passive` on the VM side), including
/// the `posix-rename`, `statvfs`, `fstatvfs`, `hardlink` and `fsync` `@openssh.com`
/// extensions.
///
/// Layers: `SFTPPacketDecoder`/`SFTPPacketEncoder` (bytes ↔ values),
/// `SFTPSessionStateMachine` (protocol decisions), `SFTPRequestHandler` +
/// `SFTPPathResolver` (file system, confined), and this type's `serve` (the blocking I/O
/// loop: large buffered reads, replies batched into one write per burst of pipelined
/// requests).
///
/// The server itself holds only the configuration and a descriptor of the root, so one
/// instance may serve several connections, each on its own thread.
public final class SFTPServer: Sendable {
    public let configuration: SFTPServerConfiguration
    private let logger: Logger
    private let rootDescriptor: Int32

    /// Opens the shared folder. Throws if it is missing, unreadable or not a directory.
    public init(configuration: SFTPServerConfiguration, logger: Logger) throws(SFTPServerError) {
        self.configuration = configuration
        self.logger = logger
        let subject = configuration.root.string
        let fd = subject.withCString { open($0, SFTPPathResolver.openPathFlag | O_CLOEXEC) }
        guard fd >= 0 else { throw SFTPServerError(.openRoot, subject: subject, errno: Errno(rawValue: errno)) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
            _ = close(fd)
            throw SFTPServerError(.rootNotDirectory, subject: subject)
        }
        rootDescriptor = fd
    }

    deinit {
        _ = close(rootDescriptor)
    }

    /// Serves one SFTP session: reads requests from `input`, writes replies to `output`, and
    /// blocks the calling thread until the input ends (EOF, or the peer hung up), or the peer
    /// broke the protocol (logged, then a clean return). Closes every file it opened for the
    /// session, never `input` or `output`. Throws only when reading or writing the
    /// descriptors fails for another reason.
    ///
    /// When `output` is a socket replies are sent with `MSG_NOSIGNAL`; for a pipe the caller
    /// must ignore `SIGPIPE` (otherwise a vanished reader kills the process).
    public func serve(input: FileDescriptor, output: FileDescriptor) throws(SFTPServerError) {
        let handler = SFTPRequestHandler(
            root: rootDescriptor, readOnly: configuration.readOnly,
            maxOpenHandles: configuration.maxOpenHandles, logger: logger)
        defer { handler.closeAll() }
        var session = SFTPSessionStateMachine(readOnly: configuration.readOnly)
        var writer = SFTPOutputWriter(output)
        let inputName = "fd \(input.rawValue)"

        let frameLimit = SFTPPacketDecoder.maximumPacketLength + 4
        var buffer = [UInt8](repeating: 0, count: 2 * frameLimit)
        var start = 0
        var end = 0
        var pending: [UInt8] = []
        pending.reserveCapacity(frameLimit + 64 * 1024)

        while true {
            // Answer every complete request already buffered, then send the replies together.
            var stop = false
            while !stop {
                let next: Range<Int>?
                do {
                    next = try SFTPPacketDecoder.nextPacket(in: buffer[start..<end])
                } catch {
                    logger.warning("SFTP client broke the protocol; closing", metadata: ["error": "\(error)"])
                    session.closed()
                    stop = true
                    break
                }
                guard let payload = next else { break }
                start = payload.upperBound
                let decoded = Result { () throws(SFTPDecodeError) in try SFTPPacketDecoder.decodeRequest(buffer[payload]) }
                switch session.received(decoded) {
                case .reply(let response):
                    SFTPPacketEncoder.encode(response, into: &pending)
                case .perform(let request):
                    if logger.logLevel <= .trace { logger.trace("SFTP request", metadata: ["request": "\(request.id ?? 0)"]) }
                    SFTPPacketEncoder.encode(handler.handle(request), into: &pending)
                case .ignore:
                    break
                case .close(let reason):
                    logger.warning("SFTP client broke the protocol; closing", metadata: ["reason": "\(reason)"])
                    stop = true
                }
                if pending.count >= frameLimit {
                    guard try writer.write(&pending) else { return }
                }
            }
            if !pending.isEmpty {
                guard try writer.write(&pending) else { return }
            }
            if stop { return }

            // Make room for at least one whole packet after the buffered bytes.
            if start == end {
                start = 0
                end = 0
            } else if buffer.count - end < frameLimit {
                buffer.withUnsafeMutableBytes { raw in
                    guard let base = raw.baseAddress else { return }
                    memmove(base, base + start, end - start)
                }
                end -= start
                start = 0
            }
            let count = try Self.read(input, into: &buffer, at: end, name: inputName)
            if count == 0 {
                if start != end {
                    logger.debug("SFTP input ended inside a packet", metadata: ["bytes": "\(end - start)"])
                }
                return
            }
            end += count
        }
    }

    /// Reads what is available (at least one byte, 0 at end of input) into `buffer[at...]`.
    private static func read(_ input: FileDescriptor, into buffer: inout [UInt8], at offset: Int, name: String) throws(SFTPServerError) -> Int {
        while true {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.read(input.rawValue, base + offset, raw.count - offset)
            }
            if n >= 0 { return n }
            let error = errno
            switch error {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                var poller = pollfd(fd: input.rawValue, events: Int16(POLLIN), revents: 0)
                _ = poll(&poller, 1, -1)
            case ECONNRESET:
                return 0
            default:
                throw SFTPServerError(.read, subject: name, errno: Errno(rawValue: error))
            }
        }
    }
}
