import Testing

@testable import QVDSFTP

#if canImport(Glibc)
import Glibc
#endif

@Suite("SFTP packet codec")
struct SFTPPacketCodecTests {
    static let attributes = SFTPAttributes(
        size: 0x1_0000_0002, uid: 1000, gid: 100, permissions: 0o100644, accessTime: 1_700_000_000,
        modificationTime: 1_700_000_001, extended: [(type: b("x@y"), data: b("z"))])

    static let requests: [SFTPRequest] = [
        .initialize(version: 3),
        .open(id: 1, path: b("a/b"), flags: [.write, .create, .truncate], attributes: attributes),
        .close(id: 2, handle: [0, 0, 0, 7]),
        .read(id: 3, handle: [0, 0, 0, 7], offset: 1 << 40, length: 65536),
        .write(id: 4, handle: [0, 0, 0, 7], offset: 12, data: ArraySlice(b("hello"))),
        .lstat(id: 5, path: b("/x")),
        .fstat(id: 6, handle: [1, 2, 3, 4]),
        .setstat(id: 7, path: b("f"), attributes: SFTPAttributes(permissions: 0o600)),
        .fsetstat(id: 8, handle: [1], attributes: SFTPAttributes(size: 0)),
        .opendir(id: 9, path: b(".")),
        .readdir(id: 10, handle: [9]),
        .remove(id: 11, path: b("f")),
        .mkdir(id: 12, path: b("d"), attributes: SFTPAttributes(permissions: 0o755)),
        .rmdir(id: 13, path: b("d")),
        .realpath(id: 14, path: b("")),
        .stat(id: 15, path: b("s")),
        .rename(id: 16, oldPath: b("o"), newPath: b("n")),
        .readlink(id: 17, path: b("l")),
        .symlink(id: 18, target: b("t"), linkPath: b("l")),
        .posixRename(id: 19, oldPath: b("o"), newPath: b("n")),
        .statvfs(id: 20, path: b("/")),
        .fstatvfs(id: 21, handle: [1]),
        .hardlink(id: 22, oldPath: b("o"), newPath: b("n")),
        .fsync(id: 23, handle: [1]),
        .unknownExtended(id: 24, name: b("copy-data")),
        .unknown(type: 99, id: 25),
    ]

    @Test("every request survives encode → frame → decode", arguments: SFTPPacketCodecTests.requests)
    func requestRoundTrip(_ request: SFTPRequest) throws {
        let bytes = SFTPPacketEncoder.encode(request)
        let range = try #require(try SFTPPacketDecoder.nextPacket(in: bytes[...]))
        #expect(range == 4..<bytes.count)
        #expect(try SFTPPacketDecoder.decodeRequest(bytes[range]) == request)
    }

    static let responses: [SFTPResponse] = [
        .version(version: 3, extensions: SFTPExtension.advertised.map { SFTPExtensionPair(name: $0.name, data: $0.version) }),
        .status(id: 1, .noSuchFile),
        .handle(id: 2, handle: [0, 0, 0, 1]),
        .data(id: 3, data: Array(repeating: 0xAB, count: 65536)),
        .name(id: 4, entries: [
            SFTPNameEntry(filename: b("a"), longname: b("-rw-r--r--    1 0 0 1 Jan  1  1970 a"), attributes: attributes),
            SFTPNameEntry(filename: b("/"), longname: b("/"), attributes: .empty),
        ]),
        .attributes(id: 5, attributes: attributes),
        .fileSystemStats(id: 6, stats: SFTPFileSystemStats(
            blockSize: 4096, fragmentSize: 4096, blocks: 1, freeBlocks: 2, availableBlocks: 3, files: 4,
            freeFiles: 5, availableFiles: 6, fileSystemID: 7, flag: 1, maximumNameLength: 255)),
    ]

    @Test("every reply survives encode → frame → decode", arguments: SFTPPacketCodecTests.responses)
    func responseRoundTrip(_ response: SFTPResponse) throws {
        let bytes = SFTPPacketEncoder.encode(response)
        let range = try #require(try SFTPPacketDecoder.nextPacket(in: bytes[...]))
        #expect(try SFTPPacketDecoder.decodeResponse(bytes[range]) == response)
    }

    @Test("status replies carry OpenSSH's message and an empty language tag, byte for byte")
    func statusBytes() {
        let bytes = SFTPPacketEncoder.encode(.status(id: 7, .permissionDenied))
        let expected: [UInt8] = [0, 0, 0, 34, 101, 0, 0, 0, 7, 0, 0, 0, 3, 0, 0, 0, 17] + b("Permission denied") + [0, 0, 0, 0]
        #expect(bytes == expected)
    }

    @Test("VERSION advertises the OpenSSH extension names and versions")
    func versionBytes() throws {
        let bytes = SFTPPacketEncoder.encode(.version(version: 3, extensions: SFTPExtension.advertised.map { SFTPExtensionPair(name: $0.name, data: $0.version) }))
        var expected: [UInt8] = [2, 0, 0, 0, 3]
        for (name, version) in [("posix-rename@openssh.com", "1"), ("statvfs@openssh.com", "2"), ("fstatvfs@openssh.com", "2"), ("hardlink@openssh.com", "1"), ("fsync@openssh.com", "1")] {
            expected += [0, 0, 0, UInt8(name.utf8.count)] + b(name) + [0, 0, 0, 1] + b(version)
        }
        #expect(Array(bytes[4...]) == expected)
        #expect(Int(bytes[3]) + Int(bytes[2]) * 256 == expected.count)
    }

    @Test("framing waits for the whole packet and returns payload ranges in order")
    func framing() throws {
        let one = SFTPPacketEncoder.encode(SFTPRequest.stat(id: 1, path: b("abc")))
        let two = SFTPPacketEncoder.encode(SFTPRequest.lstat(id: 2, path: b("d")))
        let both = one + two
        for cut in 0..<one.count {
            #expect(try SFTPPacketDecoder.nextPacket(in: both[0..<cut]) == nil)
        }
        let first = try #require(try SFTPPacketDecoder.nextPacket(in: both[...]))
        #expect(first == 4..<one.count)
        let second = try #require(try SFTPPacketDecoder.nextPacket(in: both[first.upperBound...]))
        #expect(try SFTPPacketDecoder.decodeRequest(both[second]) == .lstat(id: 2, path: b("d")))
    }

    @Test("a length above 256 KiB is refused before any payload arrives")
    func oversized() {
        let limit = SFTPPacketDecoder.maximumPacketLength
        #expect(limit == 262_144)
        let ok: [UInt8] = [0, 4, 0, 0]  // exactly 256 KiB: incomplete, not an error
        #expect((try? SFTPPacketDecoder.nextPacket(in: ok[...])) == .some(nil))
        let over: [UInt8] = [0, 4, 0, 1]
        #expect(throws: SFTPDecodeError(.oversized(length: 262_145, limit: limit))) {
            try SFTPPacketDecoder.nextPacket(in: over[...])
        }
        #expect(throws: SFTPDecodeError(.empty)) { try SFTPPacketDecoder.nextPacket(in: [0, 0, 0, 0][...]) }
    }

    @Test("truncated requests report the field, type and id")
    func truncated() throws {
        let full = SFTPPacketEncoder.encode(SFTPRequest.rename(id: 9, oldPath: b("old"), newPath: b("new")))
        let payload = full[4..<(full.count - 2)]
        #expect(throws: SFTPDecodeError(.truncated(field: "newpath"), packetType: 18, requestID: 9)) {
            try SFTPPacketDecoder.decodeRequest(payload)
        }
        let noID: [UInt8] = [17, 0, 0]
        #expect(throws: SFTPDecodeError(.truncated(field: "id"), packetType: 17)) {
            try SFTPPacketDecoder.decodeRequest(noID[...])
        }
        // A string length pointing past the end, and an absurd extended-attribute count.
        let huge: [UInt8] = [17, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF]
        #expect(throws: SFTPDecodeError(.truncated(field: "path"), packetType: 17, requestID: 1)) {
            try SFTPPacketDecoder.decodeRequest(huge[...])
        }
        let attrs: [UInt8] = [9, 0, 0, 0, 1, 0, 0, 0, 1, 0x41, 0x80, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
        #expect(throws: SFTPDecodeError(.truncated(field: "attrs.extended"), packetType: 9, requestID: 1)) {
            try SFTPPacketDecoder.decodeRequest(attrs[...])
        }
    }

    @Test("a path with a NUL byte is malformed")
    func embeddedNUL() {
        let bytes = SFTPPacketEncoder.encode(SFTPRequest.stat(id: 3, path: [0x61, 0, 0x62]))
        #expect(throws: SFTPDecodeError(.embeddedNUL(field: "path"), packetType: 17, requestID: 3)) {
            try SFTPPacketDecoder.decodeRequest(bytes[4...])
        }
    }

    @Test("unknown types decode as .unknown with their id")
    func unknownType() throws {
        #expect(try SFTPPacketDecoder.decodeRequest([77, 0, 0, 0, 42, 1, 2][...]) == .unknown(type: 77, id: 42))
        #expect(try SFTPPacketDecoder.decodeRequest([77, 0][...]) == .unknown(type: 77, id: nil))
        #expect(try SFTPPacketDecoder.decodeRequest([101, 0, 0, 0, 5][...]) == .unknown(type: 101, id: 5))
    }

    @Test("random payloads never trap the decoder")
    func fuzz() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let count = Int.random(in: 0..<64, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if !bytes.isEmpty { bytes[0] = UInt8.random(in: 1...21, using: &generator) }
            _ = try? SFTPPacketDecoder.decodeRequest(bytes[...])
            _ = try? SFTPPacketDecoder.decodeResponse(bytes[...])
            _ = try? SFTPPacketDecoder.nextPacket(in: bytes[...])
        }
    }

    @Test("errno maps to OpenSSH's status codes")
    func errnoMapping() {
        #expect(SFTPStatusCode(errno: 0) == .ok)
        #expect(SFTPStatusCode(errno: ENOENT) == .noSuchFile)
        #expect(SFTPStatusCode(errno: ENOTDIR) == .noSuchFile)
        #expect(SFTPStatusCode(errno: ELOOP) == .noSuchFile)
        #expect(SFTPStatusCode(errno: EACCES) == .permissionDenied)
        #expect(SFTPStatusCode(errno: EPERM) == .permissionDenied)
        #expect(SFTPStatusCode(errno: EINVAL) == .badMessage)
        #expect(SFTPStatusCode(errno: ENOSYS) == .operationUnsupported)
        #expect(SFTPStatusCode(errno: EEXIST) == .failure)
        #expect(SFTPStatusCode.allCases.map(\.message) == [
            "Success", "End of file", "No such file", "Permission denied", "Failure", "Bad message",
            "No connection", "Connection lost", "Operation unsupported",
        ])
    }
}

