import Foundation
import QVDSFTP
#if canImport(Glibc)
import Glibc
#endif

/// A blocking SFTP v3 client on one socket, built on QVDSFTP's public codec
/// (`SFTPPacketEncoder`/`SFTPPacketDecoder`). The rig's sshfs stand-in connects the share
/// named `probe` to it, so it speaks, from the VM side and through the real NX slave
/// channel, to the client's confined SFTP server — the way a hostile VM would.
final class SFTPProbe: @unchecked Sendable {
    let socket: Int32
    private var buffer: [UInt8] = []
    private var nextID: UInt32 = 1

    /// Waits up to `timeout` seconds for the stand-in to connect to `listener`.
    init(accepting listener: Int32, timeout: Int32) throws {
        var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, timeout * 1000) == 1 else { throw SharesTestError("the SFTP stand-in never connected") }
        let fd = accept(listener, nil, nil)
        guard fd >= 0 else { throw SharesTestError("accept: errno \(errno)") }
        var limit = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        socket = fd
    }

    deinit { close(socket) }

    func send(_ request: SFTPRequest) throws {
        let bytes = SFTPPacketEncoder.encode(request)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw SharesTestError("send: errno \(errno)") }
            sent += n
        }
    }

    func receive() throws -> SFTPResponse {
        while true {
            if let range = try SFTPPacketDecoder.nextPacket(in: buffer[...]) {
                let response = try SFTPPacketDecoder.decodeResponse(buffer[range])
                buffer.removeSubrange(0..<range.upperBound)
                return response
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw SharesTestError("the SFTP stream ended (recv \(n), errno \(errno))") }
            buffer += chunk[0..<n]
        }
    }

    /// `INIT` 3; returns the server's version.
    func initialize() throws -> UInt32 {
        try send(.initialize(version: 3))
        guard case .version(let version, _) = try receive() else { throw SharesTestError("no VERSION") }
        return version
    }

    func id() -> UInt32 {
        defer { nextID += 1 }
        return nextID
    }

    /// One request, one response.
    func call(_ make: (UInt32) -> SFTPRequest) throws -> SFTPResponse {
        try send(make(id()))
        return try receive()
    }

    /// Opens `path` for reading and reads up to 64 KiB: the bytes, or the refusing status.
    func readFile(_ path: String) throws -> Result<[UInt8], SFTPRefusal> {
        let opened = try call { .open(id: $0, path: Array(path.utf8), flags: .read, attributes: .empty) }
        guard case .handle(_, let handle) = opened else {
            if case .status(_, let code, _) = opened { return .failure(SFTPRefusal(code: code)) }
            throw SharesTestError("unexpected answer to OPEN: \(opened)")
        }
        defer { _ = try? call { .close(id: $0, handle: handle) } }
        let read = try call { .read(id: $0, handle: handle, offset: 0, length: 65536) }
        switch read {
        case .data(_, let data): return .success(data)
        case .status(_, let code, _): return code == .eof ? .success([]) : .failure(SFTPRefusal(code: code))
        default: throw SharesTestError("unexpected answer to READ: \(read)")
        }
    }

    /// The status code of a request answered with a status (nil for anything else).
    func status(_ make: (UInt32) -> SFTPRequest) throws -> SFTPStatusCode? {
        if case .status(_, let code, _) = try call(make) { return code }
        return nil
    }

    /// The names `opendir`+`readdir` list for `path`, or the refusing status.
    func list(_ path: String) throws -> Result<[String], SFTPRefusal> {
        let opened = try call { .opendir(id: $0, path: Array(path.utf8)) }
        guard case .handle(_, let handle) = opened else {
            if case .status(_, let code, _) = opened { return .failure(SFTPRefusal(code: code)) }
            throw SharesTestError("unexpected answer to OPENDIR: \(opened)")
        }
        defer { _ = try? call { .close(id: $0, handle: handle) } }
        var names: [String] = []
        while case .name(_, let entries) = try call({ .readdir(id: $0, handle: handle) }) {
            names += entries.map { String(decoding: $0.filename, as: UTF8.self) }
        }
        return .success(names.sorted())
    }

    /// `realpath`'s single name, or the refusing status.
    func realpath(_ path: String) throws -> Result<String, SFTPRefusal> {
        switch try call({ .realpath(id: $0, path: Array(path.utf8)) }) {
        case .name(_, let entries): return .success(entries.first.map { String(decoding: $0.filename, as: UTF8.self) } ?? "")
        case .status(_, let code, _): return .failure(SFTPRefusal(code: code))
        case let other: throw SharesTestError("unexpected answer to REALPATH: \(other)")
        }
    }
}

/// A request the server answered with a status other than success.
struct SFTPRefusal: Error, Equatable {
    let code: SFTPStatusCode
}
