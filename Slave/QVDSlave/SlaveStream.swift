#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import QVDCore

/// One slave-channel byte stream, read and written with blocking calls: the server's
/// stdin/stdout (nxagent and nxproxy hand each connection to a fresh process on fds 0 and
/// 1, `upstream-slave-channel.md` §1.2) or a client's TCP socket.
///
/// Heads are read **one byte at a time**, as upstream's HTTPC does (§2.1): after a `101`
/// the stream goes, unframed, to sshfs or an SFTP server that takes a file descriptor, so
/// not one byte past the head may be consumed. Heads are small (limit 16 KiB), so the cost
/// is a few hundred system calls per request.
public struct SlaveStream: Sendable {
    /// What reading a head gave.
    public enum HeadResult<Head: Sendable & Hashable>: Sendable, Hashable {
        case head(Head)
        /// The peer closed the stream before the first byte of a head.
        case endOfStream
        /// The bytes are not a head we accept; the stream is unusable after this.
        case malformed(HTTPHeadError)
    }

    public let input: Int32
    public let output: Int32

    public init(input: Int32, output: Int32) {
        self.input = input
        self.output = output
    }

    /// A stream over one socket, read and written through the same descriptor.
    public init(socket: Int32) {
        self.init(input: socket, output: socket)
    }

    /// The request head at the start of the stream. Non-ASCII bytes are accepted as UTF-8:
    /// upstream's Perl client sends share paths raw.
    public func readRequestHead() throws(SlaveError) -> HeadResult<HTTPRequestHead> {
        var parser = HTTPRequestHeadParser(configuration: HTTPHeadParserConfiguration(nonASCII: .acceptUTF8))
        return try readHead { parser.parse($0) }
    }

    /// The response head at the start of the stream.
    public func readResponseHead() throws(SlaveError) -> HeadResult<HTTPResponseHead> {
        var parser = HTTPResponseHeadParser()
        return try readHead { parser.parse($0) }
    }

    private func readHead<Head>(
        _ parse: ([UInt8]) -> HTTPHeadParseResult<Head>
    ) throws(SlaveError) -> HeadResult<Head> {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        while true {
            guard let byte = try readByte() else {
                if bytes.isEmpty { return .endOfStream }
                throw SlaveError(.stream, "read HTTP head", "the peer closed the stream in the middle of a head")
            }
            bytes.append(byte)
            // Only a line end can complete a head or break a rule worth checking early; the
            // parser also enforces its size limits when called at each LF, and the size
            // check below stops a peer that never sends one.
            guard byte == 0x0A || bytes.count > HTTPHeadParserConfiguration.requests.maxHeadBytes else { continue }
            switch parse(bytes) {
            case .needMoreData:
                continue
            case .complete(let head, _):
                return .head(head)
            case .failed(let error):
                return .malformed(error)
            }
        }
    }

    /// One byte, or `nil` at end of stream.
    private func readByte() throws(SlaveError) -> UInt8? {
        var byte: UInt8 = 0
        while true {
            let count = read(input, &byte, 1)
            if count == 1 { return byte }
            if count == 0 { return nil }
            if errno == EINTR { continue }
            if errno == ECONNRESET { return nil }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                throw SlaveError(.stream, "read slave stream", "no answer in time")
            }
            throw SlaveError(.stream, "read slave stream", SlaveError.errnoText())
        }
    }

    /// Exactly `count` bytes (a body announced by `Content-Length`).
    public func readBody(count: Int) throws(SlaveError) -> [UInt8] {
        var body = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = body.withUnsafeMutableBytes { read(input, $0.baseAddress! + filled, count - filled) }
            if got > 0 {
                filled += got
            } else if got == 0 {
                throw SlaveError(.stream, "read body", "the peer closed the stream after \(filled) of \(count) bytes")
            } else if errno != EINTR {
                throw SlaveError(.stream, "read body", SlaveError.errnoText())
            }
        }
        return body
    }

    /// Reads and drops `count` bytes.
    public func skipBody(count: Int) throws(SlaveError) {
        var left = count
        while left > 0 {
            let chunk = min(left, 64 * 1024)
            _ = try readBody(count: chunk)
            left -= chunk
        }
    }

    /// Reads and drops whatever input is already waiting (up to 64 KiB), without blocking.
    /// Called before the process exits after a refusal: closing a socket with unread
    /// input makes the kernel reset the connection, and the peer may then lose the
    /// response it was sent.
    public func discardPendingInput() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var total = 0
        while total < 64 * 1024 {
            var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 0) == 1, descriptor.revents & Int16(POLLIN) != 0 else { return }
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            guard count > 0 else { return }
            total += count
        }
    }

    /// Writes every byte, retrying short writes.
    public func write(_ bytes: [UInt8]) throws(SlaveError) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { posixWrite(output, $0.baseAddress! + sent, bytes.count - sent) }
            if count > 0 {
                sent += count
            } else if count < 0, errno == EINTR {
                continue
            } else {
                throw SlaveError(.stream, "write slave stream", SlaveError.errnoText())
            }
        }
    }

    /// A response head, then its body as a second write.
    public func send(_ head: HTTPResponseHead, body: [UInt8] = []) throws(SlaveError) {
        try write(HTTPHeadWriter.bytes(of: head))
        if !body.isEmpty { try write(body) }
    }

    /// An error response (head, then body).
    public func send(_ response: HTTPErrorResponse) throws(SlaveError) {
        try send(response.head, body: Array(response.body.readableBytesView))
    }

    /// The response of a refusal.
    public func send(_ refusal: SlaveRefusal) throws(SlaveError) {
        try send(refusal.response)
    }

    /// A `200` (or other) response with a `text/plain` or other body.
    public func send(status: HTTPStatus, contentType: String = "text/plain", body: String,
                     headers: HTTPHeaders = HTTPHeaders()) throws(SlaveError) {
        let bytes = Array(body.utf8)
        try send(.withBody(status: status, contentType: contentType, contentLength: bytes.count, headers: headers),
                 body: bytes)
    }

    /// A request head (and its body as a second write).
    public func send(_ head: HTTPRequestHead, body: [UInt8] = []) throws(SlaveError) {
        try write(HTTPHeadWriter.bytes(of: head))
        if !body.isEmpty { try write(body) }
    }
}

/// `write(2)`, named so that `SlaveStream.write` does not hide it.
func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
