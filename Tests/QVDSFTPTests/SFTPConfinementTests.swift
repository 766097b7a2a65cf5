import Foundation
import Testing

@testable import QVDSFTP

#if canImport(Glibc)
import Glibc
#endif

/// Confinement (`README.md` "deliberately differs" item 4): every way of naming something
/// outside the share fails with an exact status, and nothing outside changes.
///
/// Layout: `<tmp>/outside/secret.txt` (and `outside/dir/`) next to the share `<tmp>/share`:
///     share/inner/file             "inside"
///     share/etc        -> /etc                 absolute link, re-rooted: share/etc (missing)
///     share/up         -> ../outside           relative link climbing out: clamped at the root
///     share/chain1     -> chain2
///     share/chain2     -> inner/../../../outside/secret.txt
///     share/dirlink    -> ../outside
///     share/realabs    -> <tmp>/outside         the real absolute path of the outside folder
///     share/inlink     -> inner/file           inside, fine
///     share/absin      -> /inner/file          absolute but read from the share's root: fine
///     share/loop1 -> loop2, share/loop2 -> loop1
@Suite("SFTP confinement")
struct SFTPConfinementTests {
    struct Fixture {
        let directory: TemporaryDirectory
        let harness: ServerHarness
        var client: SFTPTestClient
        var share: String { directory.sub("share") }
        var outside: String { directory.sub("outside") }
        let before: [String]

        init(readOnly: Bool = false) throws {
            directory = try TemporaryDirectory("qvd-sftp-confine")
            let fm = FileManager.default
            let share = directory.sub("share")
            let outside = directory.sub("outside")
            try fm.createDirectory(atPath: outside + "/dir", withIntermediateDirectories: true)
            try "SECRET".write(toFile: outside + "/secret.txt", atomically: false, encoding: .utf8)
            try fm.createDirectory(atPath: share + "/inner", withIntermediateDirectories: true)
            try "inside".write(toFile: share + "/inner/file", atomically: false, encoding: .utf8)
            let links: [(String, String)] = [
                ("etc", "/etc"), ("up", "../outside"), ("chain1", "chain2"),
                ("chain2", "inner/../../../outside/secret.txt"), ("dirlink", "../outside"),
                ("realabs", outside), ("inlink", "inner/file"), ("absin", "/inner/file"),
                ("loop1", "loop2"), ("loop2", "loop1"),
            ]
            for (name, target) in links {
                try fm.createSymbolicLink(atPath: share + "/" + name, withDestinationPath: target)
            }
            before = snapshot(outside)
            harness = try ServerHarness(root: share, readOnly: readOnly)
            client = SFTPTestClient(fd: harness.clientDescriptor)
            _ = try client.initialize()
        }

        func outsideUnchanged() -> Bool { snapshot(outside) == before }

        func tearDown() {
            harness.finish()
            directory.remove()
        }
    }

    struct Context {
        let id: UInt32
        /// The real absolute path of the folder next to the share.
        let outside: String
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        let expected: SFTPStatusCode
        let request: @Sendable (Context) -> SFTPRequest
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "STAT ../outside/secret.txt", expected: .noSuchFile) { .stat(id: $0.id, path: b("../outside/secret.txt")) },
        Case(label: "STAT /../../outside/secret.txt", expected: .noSuchFile) { .stat(id: $0.id, path: b("/../../outside/secret.txt")) },
        Case(label: "STAT real absolute path", expected: .noSuchFile) { .stat(id: $0.id, path: b($0.outside + "/secret.txt")) },
        Case(label: "OPEN /etc/passwd", expected: .noSuchFile) { .open(id: $0.id, path: b("/etc/passwd"), flags: [.read], attributes: .empty) },
        Case(label: "OPEN ../../../../etc/passwd", expected: .noSuchFile) { .open(id: $0.id, path: b("../../../../etc/passwd"), flags: [.read], attributes: .empty) },
        Case(label: "OPEN etc/passwd via absolute link", expected: .noSuchFile) { .open(id: $0.id, path: b("etc/passwd"), flags: [.read], attributes: .empty) },
        Case(label: "OPEN up/secret.txt via relative link", expected: .noSuchFile) { .open(id: $0.id, path: b("up/secret.txt"), flags: [.read], attributes: .empty) },
        Case(label: "OPEN realabs/secret.txt via link to the real path", expected: .noSuchFile) { .open(id: $0.id, path: b("realabs/secret.txt"), flags: [.read], attributes: .empty) },
        Case(label: "OPEN chain1 (symlink chain escaping)", expected: .noSuchFile) { .open(id: $0.id, path: b("chain1"), flags: [.read], attributes: .empty) },
        Case(label: "STAT chain1", expected: .noSuchFile) { .stat(id: $0.id, path: b("chain1")) },
        Case(label: "STAT loop1 (symlink loop)", expected: .noSuchFile) { .stat(id: $0.id, path: b("loop1")) },
        Case(label: "OPEN create ../outside/new", expected: .noSuchFile) { .open(id: $0.id, path: b("../outside/new"), flags: [.write, .create], attributes: .empty) },
        Case(label: "OPEN create dirlink/new", expected: .noSuchFile) { .open(id: $0.id, path: b("dirlink/new"), flags: [.write, .create], attributes: .empty) },
        Case(label: "OPEN truncate up/secret.txt", expected: .noSuchFile) { .open(id: $0.id, path: b("up/secret.txt"), flags: [.write, .truncate], attributes: .empty) },
        Case(label: "OPENDIR dirlink", expected: .noSuchFile) { .opendir(id: $0.id, path: b("dirlink")) },
        Case(label: "OPENDIR etc", expected: .noSuchFile) { .opendir(id: $0.id, path: b("etc")) },
        Case(label: "OPENDIR real absolute path", expected: .noSuchFile) { .opendir(id: $0.id, path: b($0.outside)) },
        Case(label: "SETSTAT up/secret.txt", expected: .noSuchFile) { .setstat(id: $0.id, path: b("up/secret.txt"), attributes: SFTPAttributes(size: 0, permissions: 0o777)) },
        Case(label: "SETSTAT chain1 (follows to outside)", expected: .noSuchFile) { .setstat(id: $0.id, path: b("chain1"), attributes: SFTPAttributes(permissions: 0o777)) },
        Case(label: "REMOVE up/secret.txt", expected: .noSuchFile) { .remove(id: $0.id, path: b("up/secret.txt")) },
        Case(label: "REMOVE ../outside/secret.txt", expected: .noSuchFile) { .remove(id: $0.id, path: b("../outside/secret.txt")) },
        Case(label: "MKDIR dirlink/new", expected: .noSuchFile) { .mkdir(id: $0.id, path: b("dirlink/new"), attributes: .empty) },
        Case(label: "RMDIR dirlink/dir", expected: .noSuchFile) { .rmdir(id: $0.id, path: b("dirlink/dir")) },
        Case(label: "RENAME inner/file → ../outside/stolen", expected: .noSuchFile) { .rename(id: $0.id, oldPath: b("inner/file"), newPath: b("../outside/stolen")) },
        Case(label: "RENAME inner/file → dirlink/stolen", expected: .noSuchFile) { .rename(id: $0.id, oldPath: b("inner/file"), newPath: b("dirlink/stolen")) },
        Case(label: "RENAME up/secret.txt → stolen", expected: .noSuchFile) { .rename(id: $0.id, oldPath: b("up/secret.txt"), newPath: b("stolen")) },
        Case(label: "posix-rename inner/file → realabs/stolen", expected: .noSuchFile) { .posixRename(id: $0.id, oldPath: b("inner/file"), newPath: b("realabs/stolen")) },
        Case(label: "posix-rename dirlink/secret.txt → stolen", expected: .noSuchFile) { .posixRename(id: $0.id, oldPath: b("dirlink/secret.txt"), newPath: b("stolen")) },
        Case(label: "hardlink up/secret.txt → stolen", expected: .noSuchFile) { .hardlink(id: $0.id, oldPath: b("up/secret.txt"), newPath: b("stolen")) },
        Case(label: "hardlink inner/file → dirlink/planted", expected: .noSuchFile) { .hardlink(id: $0.id, oldPath: b("inner/file"), newPath: b("dirlink/planted")) },
        Case(label: "SYMLINK evil → /etc/passwd", expected: .permissionDenied) { .symlink(id: $0.id, target: b("/etc/passwd"), linkPath: b("evil")) },
        Case(label: "SYMLINK evil → real absolute path", expected: .permissionDenied) { .symlink(id: $0.id, target: b($0.outside), linkPath: b("evil")) },
        Case(label: "SYMLINK evil → ../outside", expected: .permissionDenied) { .symlink(id: $0.id, target: b("../outside"), linkPath: b("evil")) },
        Case(label: "SYMLINK inner/evil → inner/../../../x", expected: .permissionDenied) { .symlink(id: $0.id, target: b("../../x"), linkPath: b("inner/evil")) },
        Case(label: "SYMLINK up/evil (link placed outside)", expected: .noSuchFile) { .symlink(id: $0.id, target: b("x"), linkPath: b("up/evil")) },
        Case(label: "READLINK ../outside/secret.txt", expected: .noSuchFile) { .readlink(id: $0.id, path: b("../outside/secret.txt")) },
        Case(label: "statvfs dirlink/dir", expected: .noSuchFile) { .statvfs(id: $0.id, path: b("dirlink/dir")) },
    ]

    @Test("escape attempts fail with the exact status and change nothing outside", arguments: cases)
    func escape(_ c: Case) throws {
        var f = try Fixture()
        defer { f.tearDown() }
        let outside = f.outside
        let reply = try f.client.call { c.request(Context(id: $0, outside: outside)) }
        #expect(reply.statusCode == c.expected, "\(reply)")
        #expect(f.outsideUnchanged())
        for name in ["evil", "stolen", "new", "inner/evil"] {
            var st = stat()
            #expect(lstat(f.share + "/" + name, &st) != 0, "\(name) was created")
        }
        #expect(try String(contentsOfFile: f.share + "/inner/file", encoding: .utf8) == "inside")
    }

    @Test("links that stay inside work, absolute ones read from the share's root")
    func insideLinks() throws {
        var f = try Fixture()
        defer { f.tearDown() }
        for path in ["inlink", "absin", "/absin", "inner/../inlink", "../../absin"] {
            guard case .attributes(_, let a) = try f.client.call({ .stat(id: $0, path: b(path)) }) else {
                Issue.record("STAT \(path) failed")
                continue
            }
            #expect(a.size == 6, "\(path)")
        }
        #expect(try f.client.call { .realpath(id: $0, path: b("absin")) }.names == ["/inner/file"])
        #expect(try f.client.call { .realpath(id: $0, path: b("up")) }.names == ["/outside"])
        #expect(try f.client.call { .realpath(id: $0, path: b("etc/passwd")) }.statusCode == .noSuchFile)
        // READLINK returns the stored text, whatever it points to.
        #expect(try f.client.call { .readlink(id: $0, path: b("etc")) }.names == ["/etc"])
        #expect(try f.client.call { .readlink(id: $0, path: b("up")) }.names == ["../outside"])
        // LSTAT describes the link itself.
        guard case .attributes(_, let link) = try f.client.call({ .lstat(id: $0, path: b("dirlink")) }) else {
            Issue.record("LSTAT dirlink failed")
            return
        }
        #expect(link.permissions.map { $0 & 0o170000 } == 0o120000)
        // Links whose text stays inside may be created.
        #expect(try f.client.status { .symlink(id: $0, target: b("inner/file"), linkPath: b("ok")) } == .ok)
        #expect(try f.client.status { .symlink(id: $0, target: b("../inner/file"), linkPath: b("inner/ok2")) } == .ok)
        #expect(try f.client.call { .readlink(id: $0, path: b("inner/ok2")) }.names == ["../inner/file"])
        // Removing a link removes the link, never its target.
        #expect(try f.client.status { .remove(id: $0, path: b("dirlink")) } == .ok)
        #expect(f.outsideUnchanged())
        #expect(FileManager.default.fileExists(atPath: f.outside + "/secret.txt"))
    }

    @Test("a directory swapped for an escaping symlink after OPENDIR keeps listing the original")
    func swapDuringReaddir() throws {
        var f = try Fixture()
        defer { f.tearDown() }
        let handle = try #require(try f.client.call { .opendir(id: $0, path: b("inner")) }.handleValue)
        try FileManager.default.moveItem(atPath: f.share + "/inner", toPath: f.share + "/inner.moved")
        try FileManager.default.createSymbolicLink(atPath: f.share + "/inner", withDestinationPath: f.outside)
        var names: [String] = []
        while case .name(_, let entries) = try f.client.call({ .readdir(id: $0, handle: handle) }) {
            names += entries.map { String(decoding: $0.filename, as: UTF8.self) }
        }
        #expect(Set(names) == [".", "..", "file"])
        // And the swapped name itself leads nowhere outside.
        #expect(try f.client.status { .opendir(id: $0, path: b("inner")) } == .noSuchFile)
        #expect(try f.client.status { .open(id: $0, path: b("inner/secret.txt"), flags: [.read], attributes: .empty) } == .noSuchFile)
    }

    @Test("READDIR of the root reports the root's own attributes for '..'")
    func rootDotDot() throws {
        var f = try Fixture()
        defer { f.tearDown() }
        try FileManager.default.setAttributes([.posixPermissions: 0o711], ofItemAtPath: f.directory.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: f.share)
        let handle = try #require(try f.client.call { .opendir(id: $0, path: b("/")) }.handleValue)
        var entries: [SFTPNameEntry] = []
        while case .name(_, let batch) = try f.client.call({ .readdir(id: $0, handle: handle) }) { entries += batch }
        let dot = try #require(entries.first { $0.filename == b(".") })
        let dotdot = try #require(entries.first { $0.filename == b("..") })
        #expect(dotdot.attributes == dot.attributes)
        #expect(dotdot.attributes.permissions.map { $0 & 0o7777 } == 0o750)
    }

    @Test("read-only: every modification is refused with PERMISSION_DENIED, reads work")
    func readOnly() throws {
        var f = try Fixture(readOnly: true)
        defer { f.tearDown() }
        let handle = try #require(try f.client.openHandle("inner/file", [.read]))
        #expect(try f.client.call { .read(id: $0, handle: handle, offset: 0, length: 100) } == .data(id: f.client.nextID - 1, data: b("inside")))
        #expect(try f.client.status { .write(id: $0, handle: handle, offset: 0, data: b("x")[...]) } == .permissionDenied)
        #expect(try f.client.status { .fsetstat(id: $0, handle: handle, attributes: SFTPAttributes(size: 0)) } == .permissionDenied)
        let refused: [(UInt32) -> SFTPRequest] = [
            { .open(id: $0, path: b("inner/file"), flags: [.write], attributes: .empty) },
            { .open(id: $0, path: b("inner/file"), flags: [.read, .write], attributes: .empty) },
            { .open(id: $0, path: b("new"), flags: [.write, .create], attributes: .empty) },
            { .open(id: $0, path: b("inner/file"), flags: [.read, .truncate], attributes: .empty) },
            { .setstat(id: $0, path: b("inner/file"), attributes: SFTPAttributes(permissions: 0o777)) },
            { .remove(id: $0, path: b("inner/file")) },
            { .mkdir(id: $0, path: b("newdir"), attributes: .empty) },
            { .rmdir(id: $0, path: b("inner")) },
            { .rename(id: $0, oldPath: b("inner/file"), newPath: b("moved")) },
            { .posixRename(id: $0, oldPath: b("inner/file"), newPath: b("moved")) },
            { .symlink(id: $0, target: b("inner/file"), linkPath: b("newlink")) },
            { .hardlink(id: $0, oldPath: b("inner/file"), newPath: b("newlink")) },
        ]
        for make in refused {
            #expect(try f.client.status(make) == .permissionDenied)
        }
        #expect(try String(contentsOfFile: f.share + "/inner/file", encoding: .utf8) == "inside")
        for name in ["new", "newdir", "moved", "newlink"] {
            #expect(!FileManager.default.fileExists(atPath: f.share + "/" + name))
        }
        guard case .fileSystemStats(_, let s) = try f.client.call({ .statvfs(id: $0, path: b("/")) }) else {
            Issue.record("no statvfs")
            return
        }
        #expect(s.flag & SFTPFileSystemStats.readOnlyFlag != 0)
    }

    @Test("the symlink target rule, case by case")
    func symlinkRule() {
        let inner: [[UInt8]] = [b("inner")]
        #expect(SFTPPathResolver.symlinkTargetStaysInside(b("file"), directoryComponents: []))
        #expect(SFTPPathResolver.symlinkTargetStaysInside(b("../file"), directoryComponents: inner))
        #expect(SFTPPathResolver.symlinkTargetStaysInside(b("a/../b"), directoryComponents: []))
        #expect(!SFTPPathResolver.symlinkTargetStaysInside(b("../file"), directoryComponents: []))
        #expect(!SFTPPathResolver.symlinkTargetStaysInside(b("a/../../b"), directoryComponents: []))
        #expect(!SFTPPathResolver.symlinkTargetStaysInside(b("/inner/file"), directoryComponents: []))
        #expect(!SFTPPathResolver.symlinkTargetStaysInside([], directoryComponents: []))
    }
}

/// Every entry below `root` with its type, mode and content (or link text), sorted.
func snapshot(_ root: String) -> [String] {
    let fm = FileManager.default
    guard let enumerator = fm.enumerator(atPath: root) else { return [] }
    var lines: [String] = []
    while let relative = enumerator.nextObject() as? String {
        let path = root + "/" + relative
        var st = stat()
        guard lstat(path, &st) == 0 else { continue }
        var line = "\(relative) \(String(st.st_mode, radix: 8)) \(st.st_size) \(st.st_mtim.tv_sec)"
        if st.st_mode & S_IFMT == S_IFREG {
            line += " " + ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "?")
        } else if st.st_mode & S_IFMT == S_IFLNK {
            line += " -> " + ((try? fm.destinationOfSymbolicLink(atPath: path)) ?? "?")
        }
        lines.append(line)
    }
    return lines.sorted()
}

/// The race the component-by-component walk exists for: while a client works through
/// `d/…`, another process keeps swapping the directory `d` for a symlink to the outside
/// folder. Whatever interleaving happens, nothing outside is ever read, written or created.
@Suite("SFTP confinement under a swap race")
struct SFTPSwapRaceTests {
    @Test("swapping a directory for an escaping symlink never lets a request out")
    func swapRace() throws {
        let directory = try TemporaryDirectory("qvd-sftp-race")
        defer { directory.remove() }
        let share = directory.sub("share")
        let outside = directory.sub("outside")
        let fm = FileManager.default
        try fm.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: share + "/d", withIntermediateDirectories: true)
        try "SECRET".write(toFile: outside + "/secret.txt", atomically: false, encoding: .utf8)
        try "inside-file".write(toFile: share + "/d/secret.txt", atomically: false, encoding: .utf8)
        let before = snapshot(outside)

        let harness = try ServerHarness(root: share)
        defer { harness.finish() }
        var client = SFTPTestClient(fd: harness.clientDescriptor)
        _ = try client.initialize()

        let stop = LockedBox(false)
        let swaps = LockedBox(0)
        let swapper = Thread {
            var count = 0
            while !stop.get() {
                _ = rename(share + "/d", share + "/d.real")
                _ = symlink(outside, share + "/d")
                _ = symlink("../outside", share + "/d2")
                _ = unlink(share + "/d")
                _ = unlink(share + "/d2")
                _ = rename(share + "/d.real", share + "/d")
                count += 1
            }
            swaps.set(count)
        }
        swapper.start()
        defer { stop.set(true) }

        var reads = 0
        for i in 0..<1500 {
            if let handle = try client.openHandle(i % 2 == 0 ? "d/secret.txt" : "/d/../d/secret.txt", [.read]) {
                let reply = try client.call { .read(id: $0, handle: handle, offset: 0, length: 100) }
                #expect(reply == .data(id: client.nextID - 1, data: b("inside-file")))
                reads += 1
                _ = try client.call { .close(id: $0, handle: handle) }
            }
            if let handle = try client.openHandle("d/new\(i)", [.write, .create]) {
                _ = try client.call { .write(id: $0, handle: handle, offset: 0, data: b("x")[...]) }
                _ = try client.call { .close(id: $0, handle: handle) }
            }
            if case .attributes(_, let a) = try client.call({ .stat(id: $0, path: b("d/secret.txt")) }) {
                #expect(a.size == 11)
            }
            _ = try client.call { .setstat(id: $0, path: b("d/secret.txt"), attributes: SFTPAttributes(permissions: 0o640)) }
            _ = try client.call { .mkdir(id: $0, path: b("d/dir\(i)"), attributes: .empty) }
            _ = try client.call { .symlink(id: $0, target: b("secret.txt"), linkPath: b("d/link\(i)")) }
        }
        stop.set(true)
        while swapper.isExecuting { usleep(1000) }
        #expect(snapshot(outside) == before)
        #expect(swaps.get() > 0)
        #expect(reads > 0)
    }
}
