import Foundation
import Logging
import SystemPackage
import Testing

@testable import QVDSFTP

#if canImport(Glibc)
import Glibc
#endif

/// `SFTPServer.serve` driven by the module's own codec over a socketpair: protocol handling,
/// the file operations and their OpenSSH-compatible status codes.
@Suite("SFTP server over a socketpair")
struct SFTPServerTests {
    /// A share with a file, a server on it, and an initialised client.
    struct Fixture {
        let directory: TemporaryDirectory
        let harness: ServerHarness
        var client: SFTPTestClient
        var root: String { directory.path }

        init(readOnly: Bool = false, maxOpenHandles: Int = 256, initialize: Bool = true) throws {
            directory = try TemporaryDirectory("qvd-sftp-server")
            try "hello\n".write(toFile: directory.sub("hello.txt"), atomically: false, encoding: .utf8)
            harness = try ServerHarness(root: directory.path, readOnly: readOnly, maxOpenHandles: maxOpenHandles)
            client = SFTPTestClient(fd: harness.clientDescriptor)
            if initialize { _ = try client.initialize() }
        }

        func tearDown() {
            harness.finish()
            directory.remove()
        }
    }

    @Test("INIT gets VERSION 3 with the five OpenSSH extensions")
    func handshake() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let harness = try ServerHarness(root: directory.path)
        defer { harness.finish() }
        var client = SFTPTestClient(fd: harness.clientDescriptor)
        let reply = try #require(try client.initialize())
        #expect(reply == .version(version: 3, extensions: [
            SFTPExtensionPair(name: "posix-rename@openssh.com", data: "1"),
            SFTPExtensionPair(name: "statvfs@openssh.com", data: "2"),
            SFTPExtensionPair(name: "fstatvfs@openssh.com", data: "2"),
            SFTPExtensionPair(name: "hardlink@openssh.com", data: "1"),
            SFTPExtensionPair(name: "fsync@openssh.com", data: "1"),
        ]))
    }

    @Test("the server refuses a missing or non-directory root")
    func badRoot() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "x".write(toFile: directory.sub("file"), atomically: false, encoding: .utf8)
        let logger = Logger(label: "t")
        #expect(throws: SFTPServerError(.openRoot, subject: directory.sub("missing"), errno: .noSuchFileOrDirectory)) {
            _ = try SFTPServer(configuration: SFTPServerConfiguration(root: FilePath(directory.sub("missing"))), logger: logger)
        }
        #expect(throws: SFTPServerError(.rootNotDirectory, subject: directory.sub("file"))) {
            _ = try SFTPServer(configuration: SFTPServerConfiguration(root: FilePath(directory.sub("file"))), logger: logger)
        }
        #expect(SFTPServerError(.rootNotDirectory, subject: "/x").description.contains("/x is not a directory"))
    }

    @Test("pipelined requests are all answered, in order, with their ids")
    func pipelining() throws {
        var f = try Fixture()
        defer { f.tearDown() }
        var batch: [UInt8] = []
        for id in UInt32(100)..<UInt32(400) {
            batch += SFTPPacketEncoder.encode(id % 2 == 0 ? SFTPRequest.stat(id: id, path: b("hello.txt")) : .lstat(id: id, path: b("missing")))
        }
        try f.client.sendRaw(batch)
        for id in UInt32(100)..<UInt32(400) {
            let reply = try #require(try f.client.receive())
            if id % 2 == 0 {
                guard case .attributes(let rid, let a) = reply else {
                    Issue.record("id \(id): \(reply)")
                    return
                }
                #expect(rid == id)
                #expect(a.size == 6)
                #expect(a.permissions.map { $0 & 0o170000 } == 0o100000)
            } else {
                #expect(reply == .status(id: id, .noSuchFile))
            }
        }
    }

    @Test("open, write, read back, EOF, fstat, fsync, close; stale handles fail")
    func fileRoundTrip() throws {
        var f = try Fixture()
        defer { f.tearDown() }
        let handle = try #require(try f.client.openHandle("new.bin", [.read, .write, .create, .truncate], permissions: 0o640))
        let payload = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        #expect(try f.client.status { .write(id: $0, handle: handle, offset: 0, data: payload[0..<60_000]) } == .ok)
        #expect(try f.client.status { .write(id: $0, handle: handle, offset: 60_000, data: payload[60_000...]) } == .ok)
        #expect(try f.client.status { .fsync(id: $0, handle: handle) } == .ok)
        let first = try f.client.call { .read(id: $0, handle: handle, offset: 0, length: 65536) }
        #expect(first == .data(id: f.client.nextID - 1, data: Array(payload[0..<65536])))
        let rest = try f.client.call { .read(id: $0, handle: handle, offset: 65536, length: 65536) }
        #expect(rest == .data(id: f.client.nextID - 1, data: Array(payload[65536...])))
        #expect(try f.client.status { .read(id: $0, handle: handle, offset: 100_000, length: 10) } == .eof)
        guard case .attributes(_, let a) = try f.client.call({ .fstat(id: $0, handle: handle) }) else {
            Issue.record("no attributes")
            return
        }
        #expect(a.size == 100_000)
        #expect(a.permissions == 0o100000 | (0o640 & ~currentUmask()))
        #expect(try f.client.status { .close(id: $0, handle: handle) } == .ok)
        #expect(try f.client.status { .close(id: $0, handle: handle) } == .failure)
        #expect(try f.client.status { .read(id: $0, handle: handle, offset: 0, length: 1) } == .failure)
        #expect(try f.client.status { .read(id: $0, handle: [1, 2], offset: 0, length: 1) } == .failure)
        #expect(try Data(contentsOf: URL(fileURLWithPath: f.root + "/new.bin")) == Data(payload))
    }

    @Test("a READ larger than the limit gets a short read, not an error")
    func largeRead() throws {
        var f = try Fixture()
        defer { f.tearDown() }
        try Data(repeating: 0x5A, count: 600_000).write(to: URL(fileURLWithPath: f.root + "/big"))
        let handle = try #require(try f.client.openHandle("big", [.read]))
        guard case .data(_, let data) = try f.client.call({ .read(id: $0, handle: handle, offset: 0, length: 500_000) }) else {
            Issue.record("no data")
            return
        }
        #expect(data.count == SFTPRequestHandler.maximumReadLength)
        #expect(data.allSatisfy { $0 == 0x5A })
    }

    @Test("append mode writes at the end whatever the offset")
    func append() throws {
        var f = try Fixture()
        defer { f.tearDown() }
        let handle = try #require(try f.client.openHandle("hello.txt", [.write, .append]))
        #expect(try f.client.status { .write(id: $0, handle: handle, offset: 0, data: b("world\n")[...]) } == .ok)
        #expect(try f.client.status { .close(id: $0, handle: handle) } == .ok)
        #expect(try String(contentsOfFile: f.root + "/hello.txt", encoding: .utf8) == "hello\nworld\n")
    }

    @Test("exclusive create fails on an existing name")
    func exclusive() throws {
        var f = try Fixture()
        defer { f.tearDown() }
        #expect(try f.client.status { .open(id: $0, path: b("hello.txt"), flags: [.write, .create, .exclusive], attributes: .empty) } == .failure)
        #expect(try f.client.status { .open(id: $0, path: b("nope/x"), flags: [.read], attributes: .empty) } == .noSuchFile)
    }

    @Test("RENAME never replaces; posix-rename does; hardlink links")
    func renames() throws {
        var f = try Fixture()
        defer { f.tearDown() }
        try "other".write(toFile: f.root + "/other.txt", atomically: false, encoding: .utf8)
        #expect(try f.client.status { .rename(id: $0, oldPath: b("hello.txt"), newPath: b("other.txt")) } == .failure)
        #expect(try String(contentsOfFile: f.root + "/other.txt", encoding: .utf8) == "other")
        #expect(try f.client.status { .rename(id: $0, oldPath: b("hello.txt"), newPath: b("moved.txt")) } == .ok)
        #expect(!FileManager.default.fileExists(atPath: f.root + "/hello.txt"))
        #expect(try f.client.status { .posixRename(id: $0, oldPath: b("moved.txt"), newPath: b("other.txt")) } == .ok)
        #expect(try String(contentsOfFile: f.root + "/other.txt", encoding: .utf8) == "hello\n")
        #expect(try f.client.status { .hardlink(id: $0, oldPath: b("other.txt"), newPath: b("/linked.txt")) } == .ok)
        var st = stat()
        #expect(stat(f.root + "/linked.txt", &st) == 0 && st.st_nlink == 2)
        #expect(try f.client.status { .mkdir(id: $0, path: b("d1"), attributes: .empty) } == .ok)
        #expect(try f.client.status { .mkdir(id: $0, path: b("d2"), attributes: .empty) } == .ok)
        #expect(try f.client.status { .rename(id: $0, oldPath: b("d1"), newPath: b("d2")) } == .failure)
        #expect(try f.client.status { .rename(id: $0, oldPath: b("d1"), newPath: b("d3")) } == .ok)
        #expect(try f.client.status { .rename(id: $0, oldPath: b("missing"), newPath: b("d4")) } == .noSuchFile)
    }

    @Test("mkdir (mode masked by umask), rmdir, remove, setstat, symlink and readlink")
    func namespace() throws {
        var f = try Fixture()
        defer { f.tearDown() }
        #expect(try f.client.status { .mkdir(id: $0, path: b("dir"), attributes: SFTPAttributes(permissions: 0o777)) } == .ok)
        var st = stat()
        #expect(stat(f.root + "/dir", &st) == 0)
        #expect(UInt32(st.st_mode) & 0o7777 == 0o777 & ~currentUmask())
        #expect(try f.client.status { .mkdir(id: $0, path: b("dir"), attributes: .empty) } == .failure)
        #expect(try f.client.status { .rmdir(id: $0, path: b("dir")) } == .ok)
        #expect(try f.client.status { .rmdir(id: $0, path: b("dir")) } == .noSuchFile)
        #expect(try f.client.status {
            .setstat(id: $0, path: b("hello.txt"), attributes: SFTPAttributes(size: 2, permissions: 0o600, accessTime: 1_000_000, modificationTime: 2_000_000))
        } == .ok)
        #expect(stat(f.root + "/hello.txt", &st) == 0)
        #expect(st.st_size == 2 && UInt32(st.st_mode) & 0o7777 == 0o600 && st.st_mtim.tv_sec == 2_000_000 && st.st_atim.tv_sec == 1_000_000)
        #expect(try f.client.status { .symlink(id: $0, target: b("hello.txt"), linkPath: b("link")) } == .ok)
        #expect(try f.client.call { .readlink(id: $0, path: b("link")) } == .name(id: f.client.nextID - 1, entries: [SFTPNameEntry(filename: b("hello.txt"), longname: b("hello.txt"), attributes: .empty)]))
        #expect(try f.client.status { .readlink(id: $0, path: b("hello.txt")) } == .badMessage)  // EINVAL, as OpenSSH
        guard case .attributes(_, let viaLink) = try f.client.call({ .stat(id: $0, path: b("link")) }),
            case .attributes(_, let link) = try f.client.call({ .lstat(id: $0, path: b("link")) })
        else {
            Issue.record("no attributes")
            return
        }
        #expect(viaLink.size == 2)
        #expect(link.permissions.map { $0 & 0o170000 } == 0o120000)
        #expect(try f.client.status { .remove(id: $0, path: b("link")) } == .ok)
        #expect(FileManager.default.fileExists(atPath: f.root + "/hello.txt"))
        #expect(try f.client.status { .remove(id: $0, path: b("hello.txt")) } == .ok)
        #expect(!FileManager.default.fileExists(atPath: f.root + "/hello.txt"))
    }

    @Test("READDIR sends batches of at most 100 with long names, then EOF")
    func readdir() throws {
        var f = try Fixture()
        defer { f.tearDown() }
        for i in 0..<250 { try "".write(toFile: f.root + "/f\(i)", atomically: false, encoding: .utf8) }
        let handle = try #require(try f.client.call { .opendir(id: $0, path: b("/")) }.handleValue)
        var names: [String] = []
        var batches: [Int] = []
        while true {
            let reply = try f.client.call { .readdir(id: $0, handle: handle) }
            if reply.statusCode == .eof { break }
            guard case .name(_, let entries) = reply else {
                Issue.record("\(reply)")
                return
            }
            batches.append(entries.count)
            for entry in entries {
                let name = String(decoding: entry.filename, as: UTF8.self)
                names.append(name)
                let long = String(decoding: entry.longname, as: UTF8.self)
                #expect(long.hasSuffix(" " + name))
                #expect(long.hasPrefix(name == "." || name == ".." ? "d" : "-"))
            }
        }
        #expect(batches.allSatisfy { $0 <= 100 })
        #expect(Set(names) == Set(["hello.txt", ".", ".."] + (0..<250).map { "f\($0)" }))
        #expect(names.count == 253)
        #expect(try f.client.status { .close(id: $0, handle: handle) } == .ok)
        #expect(try f.client.status { .opendir(id: $0, path: b("hello.txt")) } == .noSuchFile)  // ENOTDIR
    }

    @Test("statvfs and fstatvfs describe the file system")
    func fileSystemStats() throws {
        var f = try Fixture()
        defer { f.tearDown() }
        guard case .fileSystemStats(_, let s) = try f.client.call({ .statvfs(id: $0, path: b("/")) }) else {
            Issue.record("no statvfs reply")
            return
        }
        var expected = statvfs()
        #expect(statvfs(f.root, &expected) == 0)
        #expect(s.blockSize == UInt64(expected.f_bsize))
        #expect(s.blocks == UInt64(expected.f_blocks))
        #expect(s.maximumNameLength == UInt64(expected.f_namemax))
        #expect(s.flag & SFTPFileSystemStats.readOnlyFlag == 0)
        let handle = try #require(try f.client.openHandle("hello.txt", [.read]))
        guard case .fileSystemStats(_, let fs) = try f.client.call({ .fstatvfs(id: $0, handle: handle) }) else {
            Issue.record("no fstatvfs reply")
            return
        }
        #expect(fs.fileSystemID == s.fileSystemID)
    }

    @Test("REALPATH of '.', '' and '..' is '/'; of a file its absolute name")
    func realpath() throws {
        var f = try Fixture()
        defer { f.tearDown() }
        for path in [".", "", "..", "/", "/..", "./././", "/../../.."] {
            #expect(try f.client.call { .realpath(id: $0, path: b(path)) }.names == ["/"], "\(path)")
        }
        #expect(try f.client.call { .realpath(id: $0, path: b("hello.txt")) }.names == ["/hello.txt"])
        #expect(try f.client.call { .realpath(id: $0, path: b("new-name")) }.names == ["/new-name"])
        #expect(try f.client.status { .realpath(id: $0, path: b("nodir/new-name")) } == .noSuchFile)
    }

    @Test("the handle limit refuses OPEN and OPENDIR with FAILURE until one is closed")
    func handleLimit() throws {
        var f = try Fixture(maxOpenHandles: 2)
        defer { f.tearDown() }
        let h1 = try #require(try f.client.openHandle("hello.txt", [.read]))
        _ = try #require(try f.client.call { .opendir(id: $0, path: b(".")) }.handleValue)
        #expect(try f.client.status { .open(id: $0, path: b("hello.txt"), flags: [.read], attributes: .empty) } == .failure)
        #expect(try f.client.status { .opendir(id: $0, path: b(".")) } == .failure)
        #expect(try f.client.status { .close(id: $0, handle: h1) } == .ok)
        #expect(try f.client.openHandle("hello.txt", [.read]) != nil)
    }

    @Test("serve closes the files it opened when the client goes away")
    func closesHandles() throws {
        var f = try Fixture()
        defer { f.directory.remove() }
        _ = try #require(try f.client.openHandle("hello.txt", [.read]))
        _ = try #require(try f.client.call { .opendir(id: $0, path: b("/")) }.handleValue)
        #expect(openDescriptors(to: f.root).count >= 2)
        let result = f.harness.finish()
        #expect(result.map { (try? $0.get()) != nil } == true)
        // Only the server's root descriptor remains (closed when the server is released).
        #expect(openDescriptors(to: f.root + "/hello.txt").isEmpty)
    }

    // MARK: - Malformed input

    @Test("unknown message types get OP_UNSUPPORTED and the session goes on")
    func unknownType() throws {
        var f = try Fixture()
        defer { f.tearDown() }
        try f.client.send(.unknown(type: 150, id: 77))
        #expect(try f.client.receive() == .status(id: 77, .operationUnsupported))
        try f.client.send(.unknownExtended(id: 78, name: b("copy-data")))
        #expect(try f.client.receive() == .status(id: 78, .operationUnsupported))
        #expect(try f.client.status { .stat(id: $0, path: b("hello.txt")) } == nil)  // attributes: still serving
    }

    @Test("a truncated request gets BAD_MESSAGE and the session goes on")
    func truncatedRequest() throws {
        var f = try Fixture()
        defer { f.tearDown() }
        // STAT with a path length of 10 but only 3 bytes of path, correctly framed.
        try f.client.sendRaw([0, 0, 0, 12, 17, 0, 0, 0, 5, 0, 0, 0, 10, 0x61, 0x62, 0x63])
        #expect(try f.client.receive() == .status(id: 5, .badMessage))
        #expect(try f.client.status { .lstat(id: $0, path: b("missing")) } == .noSuchFile)
    }

    @Test("an oversized length closes the connection cleanly, without a reply")
    func oversized() throws {
        let f = try Fixture()
        defer { f.tearDown() }
        var client = f.client
        try client.sendRaw([0, 4, 0, 1, 17, 0, 0, 0, 1])
        #expect(try client.receivesEOF())
        let result = try #require(f.harness.waitForServer())
        #expect((try? result.get()) != nil)
    }

    @Test("a packet of length zero closes the connection cleanly")
    func emptyPacket() throws {
        let f = try Fixture()
        defer { f.tearDown() }
        var client = f.client
        try client.sendRaw([0, 0, 0, 0])
        #expect(try client.receivesEOF())
    }

    @Test("a request before INIT closes the connection")
    func noInit() throws {
        let f = try Fixture(initialize: false)
        defer { f.tearDown() }
        var client = f.client
        try client.send(.stat(id: 1, path: b(".")))
        #expect(try client.receivesEOF())
    }

    @Test("input ending inside a packet makes serve return normally")
    func eofInsidePacket() throws {
        let f = try Fixture()
        defer { f.directory.remove() }
        try f.client.sendRaw([0, 0, 0, 50, 17, 0, 0])
        _ = shutdown(f.harness.clientDescriptor, Int32(SHUT_WR))
        let result = try #require(f.harness.waitForServer())
        #expect((try? result.get()) != nil)
        f.harness.finish()
    }

    @Test("random garbage never crashes the server and serve returns", arguments: 0..<25)
    func garbage(seed: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let harness = try ServerHarness(root: directory.path)
        var client = SFTPTestClient(fd: harness.clientDescriptor)
        if seed % 2 == 0 { _ = try client.initialize() }
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        for _ in 0..<50 {
            // Mostly plausible frames with random bodies, sometimes raw noise.
            let body = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if Bool.random(using: &generator) {
                bytes += [0, 0, 0, UInt8(body.count + 1), UInt8.random(in: 1...25, using: &generator)] + body
            } else {
                bytes += body
            }
        }
        _ = try? client.sendRaw(bytes)
        _ = shutdown(harness.clientDescriptor, Int32(SHUT_WR))
        while (try? client.receive()) ?? nil != nil {}
        let result = try #require(harness.finish())
        #expect((try? result.get()) != nil)
    }
}

extension SFTPResponse {
    var handleValue: [UInt8]? {
        if case .handle(_, let handle) = self { return handle }
        return nil
    }

    var names: [String]? {
        if case .name(_, let entries) = self { return entries.map { String(decoding: $0.filename, as: UTF8.self) } }
        return nil
    }
}

/// The process umask, read without changing it (tests run in parallel).
func currentUmask() -> UInt32 {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
        let value = UInt32(line.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8)
    else { return 0o022 }
    return value
}

/// This process's descriptors whose target path starts with `prefix`.
func openDescriptors(to prefix: String) -> [String] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return entries.compactMap { entry in
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + entry) else { return nil }
        return target.hasPrefix(prefix) ? target : nil
    }
}
