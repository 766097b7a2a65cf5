#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import QVDCore

/// The small HTTP/1.1 client of `qvd-slaveclient`: one stream from the ``SlaveTransport``
/// (the NX slave channel: a TCP connection to nxproxy's `slave=<port>` on 127.0.0.1) per
/// request, as upstream's clients do (`upstream-slave-channel.md` §3.2).
///
/// The response head is read one byte at a time (``SlaveStream``), so after a `101` the
/// socket holds exactly what the VM sent after the head — sshfs's first SFTP packet may
/// already be there — and goes unchanged to the SFTP server or to sshfs.
///
/// The NX slave channel can stall client → VM traffic for 5 s while the X stream is idle
/// (`nx-slave-channel-limits.md` §1 item 4), so waiting for a head is bounded by
/// ``responseTimeout`` (several stalls long) instead of forever.
public struct SlaveHTTPClient: Sendable {
    public var transport: any SlaveTransport
    public var key: SlaveKey
    /// Longest wait for a response head, in seconds.
    public var responseTimeout: Int = 30

    public init(transport: any SlaveTransport, key: SlaveKey) {
        self.transport = transport
        self.key = key
    }

    /// A client over the NX slave channel listening on 127.0.0.1:`port`.
    public init(port: Int, key: SlaveKey) {
        self.init(transport: NXSlaveChannelTransport(port: port), key: key)
    }

    /// A response; `socket` is open only for a `101` (the caller owns and closes it).
    public struct Response: Sendable {
        public var head: HTTPResponseHead
        public var body: [UInt8]
        public var socket: Int32?

        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Sends `method target` with the key (and `Connection: Upgrade` +
    /// `Upgrade: qvd:sftp/1.0` when `upgrade`), then reads the response.
    public func send(method: String, target: String, headers extra: HTTPHeaders = HTTPHeaders(),
                     body: [UInt8] = [], upgrade: Bool = false) throws(SlaveError) -> Response {
        let socket = try transport.openStream()
        var keep = false
        defer { if !keep { close(socket) } }
        var headers = HTTPHeaders()
        headers.add(name: HTTPHeaderName.authorization, value: "Basic \(key.secret)")
        if upgrade {
            headers.add(name: HTTPHeaderName.connection, value: "Upgrade")
            headers.add(name: HTTPHeaderName.upgrade, value: SlaveUpgrade.sftp)
        }
        for field in extra { headers.add(name: field.name, value: field.value) }
        if !body.isEmpty || method == "POST" || method == "PUT" && !upgrade {
            headers.add(name: HTTPHeaderName.contentLength, value: String(body.count))
        }
        let stream = SlaveStream(socket: socket)
        try stream.send(HTTPRequestHead(method: method, target: target, headers: headers), body: body)
        setReceiveTimeout(socket, seconds: responseTimeout)
        let head: HTTPResponseHead
        switch try stream.readResponseHead() {
        case .head(let parsed):
            head = parsed
        case .endOfStream:
            throw SlaveError(.stream, "\(method) \(target)", "the VM closed the connection without answering (is the slave channel enabled there?)")
        case .malformed(let error):
            throw SlaveError(.protocolViolation, "\(method) \(target)", "malformed response: \(error)")
        }
        if head.status == .switchingProtocols {
            setReceiveTimeout(socket, seconds: 0)
            keep = true
            return Response(head: head, body: [], socket: socket)
        }
        let body = try stream.readBody(count: min(head.bodyLength, 1 << 20))
        return Response(head: head, body: body, socket: nil)
    }

    private func setReceiveTimeout(_ fd: Int32, seconds: Int) {
        var value = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }
}
