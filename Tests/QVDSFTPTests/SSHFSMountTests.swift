import Foundation
import Testing

@testable import QVDSFTP

#if canImport(Glibc)
import Glibc
#endif

/// The real thing: Debian's sshfs 3.7.3 in `-o passive` mode mounts the share served by
/// `SFTPServer.serve` over a socketpair; shell tools work on the mount, results are checked
/// in the share directly. Needs root and /dev/fuse (as in CI).
@Suite("sshfs against SFTPServer", .serialized, .enabled(if: sshfsAvailable, "needs sshfs, fusermount3 and /dev/fuse"))
struct SSHFSMountTests {
    struct Fixture {
        let directory: TemporaryDirectory
        let mount: SSHFSMount
        var share: String { directory.sub("share") }
        var m: String { mount.mountpoint }

        init(readOnly: Bool = false, options: [String] = []) throws {
            directory = try TemporaryDirectory("qvd-sftp-sshfs")
            try FileManager.default.createDirectory(atPath: directory.sub("share"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: directory.sub("outside"), withIntermediateDirectories: true)
            try "SECRET".write(toFile: directory.sub("outside/secret.txt"), atomically: false, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: directory.sub("share/etc"), withDestinationPath: "/etc")
            try FileManager.default.createSymbolicLink(atPath: directory.sub("share/up"), withDestinationPath: "../outside")
            do {
                mount = try SSHFSMount(
                    share: directory.sub("share"), mountpoint: directory.sub("mnt"),
                    server: .inProcess(readOnly: readOnly), options: options, logFile: directory.sub("sshfs.log"))
            } catch {
                directory.remove()
                throw error
            }
        }

        func read(_ relative: String) -> String? {
            try? String(contentsOfFile: share + "/" + relative, encoding: .utf8)
        }

        func tearDown() {
            let result = mount.unmount()
            #expect(result.map { (try? $0.get()) != nil } == true, "serve did not return cleanly: \(String(describing: result))")
            #expect(!SSHFSMount.isMounted(mount.mountpoint))
            directory.remove()
        }
    }

    @Test("write, read back, append, truncate, mkdir/rmdir, rename over a file, symlink, chmod, df")
    func everydayOperations() throws {
        let f = try Fixture()
        defer { f.tearDown() }
        let m = f.m

        #expect(try sh("printf hello > '\(m)/a.txt'").status == 0)
        #expect(f.read("a.txt") == "hello")
        #expect(try sh("cat '\(m)/a.txt'").output == "hello")
        #expect(try sh("printf ' world' >> '\(m)/a.txt'").status == 0)
        #expect(f.read("a.txt") == "hello world")
        #expect(try sh("truncate -s 5 '\(m)/a.txt'").status == 0)
        #expect(f.read("a.txt") == "hello")
        #expect(try sh("cp '\(m)/a.txt' '\(m)/b.txt' && : > '\(m)/b.txt'").status == 0)
        #expect(f.read("b.txt") == "")

        #expect(try sh("mkdir '\(m)/d' && mkdir '\(m)/d/e'").status == 0)
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: f.share + "/d/e", isDirectory: &isDirectory) && isDirectory.boolValue)
        #expect(try sh("rmdir '\(m)/d'").status != 0)  // not empty
        #expect(try sh("rmdir '\(m)/d/e' '\(m)/d'").status == 0)
        #expect(!FileManager.default.fileExists(atPath: f.share + "/d"))

        #expect(try sh("echo new > '\(m)/x' && echo old > '\(m)/y' && mv -f '\(m)/x' '\(m)/y'").status == 0)
        #expect(f.read("y") == "new\n")
        #expect(!FileManager.default.fileExists(atPath: f.share + "/x"))

        #expect(try sh("ln -s a.txt '\(m)/l'").status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: f.share + "/l") == "a.txt")
        #expect(try sh("cat '\(m)/l'").output == "hello")
        #expect(try sh("readlink '\(m)/l'").output == "a.txt\n")
        #expect(try sh("ln '\(m)/a.txt' '\(m)/hard'").status == 0)
        #expect(f.read("hard") == "hello")

        #expect(try sh("chmod 604 '\(m)/a.txt'").status == 0)
        var st = stat()
        #expect(stat(f.share + "/a.txt", &st) == 0 && st.st_mode & 0o7777 == 0o604)
        #expect(try sh("touch -d '2001-02-03 04:05:06 UTC' '\(m)/a.txt'").status == 0)
        #expect(stat(f.share + "/a.txt", &st) == 0 && st.st_mtim.tv_sec == 981_173_106)

        let df = try sh("df -P '\(m)' | tail -n 1")
        #expect(df.status == 0)
        #expect(df.output.hasPrefix("qvd-client:"))
        #expect(df.output.hasSuffix(" \(m)\n"))
        let stats = try sh("stat -f -c '%S %b' '\(m)'")
        var expected = statvfs()
        #expect(statvfs(f.share, &expected) == 0)
        #expect(stats.output == "\(expected.f_frsize) \(expected.f_blocks)\n")

        #expect(try sh("rm '\(m)/l' '\(m)/hard' '\(m)/a.txt'").status == 0)
        #expect(!FileManager.default.fileExists(atPath: f.share + "/a.txt"))
    }

    @Test("symlinks leading out of the share cannot be created through the mount")
    func symlinkOut() throws {
        let f = try Fixture()
        defer { f.tearDown() }
        let absolute = try sh("ln -s /etc/passwd '\(f.m)/evil'")
        #expect(absolute.status != 0)
        #expect(absolute.output.contains("Permission denied"))
        #expect(try sh("ln -s ../outside/secret.txt '\(f.m)/evil2'").status != 0)
        var st = stat()
        #expect(lstat(f.share + "/evil", &st) != 0 && lstat(f.share + "/evil2", &st) != 0)
    }

    @Test("with -o follow_symlinks the server resolves links: escapes find nothing")
    func escapesWithServerSideLinks() throws {
        // Without follow_symlinks sshfs hands link text to the local kernel, which resolves
        // it on the mounting machine; with it, sshfs asks the server to follow (STAT), which is
        // where confinement applies. A hostile VM can send such requests in any case.
        let f = try Fixture(options: ["-o", "follow_symlinks"])
        defer { f.tearDown() }
        #expect(try sh("cat '\(f.m)/up/secret.txt'").status != 0)
        #expect(try sh("cat '\(f.m)/etc/passwd'").status != 0)
        #expect(try sh("ls '\(f.m)/etc/'").status != 0)
        #expect(try sh("echo pwned > '\(f.m)/up/new.txt'").status != 0)
        #expect(try sh("mv '\(f.m)/etc' '\(f.m)/etc2' && cat '\(f.m)/etc2/passwd'").status != 0)
        #expect(try String(contentsOfFile: f.directory.sub("outside/secret.txt"), encoding: .utf8) == "SECRET")
        #expect(!FileManager.default.fileExists(atPath: f.directory.sub("outside/new.txt")))
        // `..` in a name never reaches the server: the kernel resolves MOUNT/.. on this side.
        #expect(try sh("ls -d '\(f.m)/../..'").output == "\(f.m)/../..\n")
    }

    @Test("the VM side's upstream options work, except atomic_o_trunc which sshfs 3 refuses")
    func upstreamOptions() throws {
        // upstream-slave-channel.md §2.2 A: `-o slave -o uid=<euid> -o idmap=user` (plus
        // `-o atomic_o_trunc`, which sshfs 3.7.3 rejects as an unknown option).
        let f = try Fixture(options: ["-o", "slave", "-o", "idmap=user", "-o", "uid=\(getuid())"])
        defer { f.tearDown() }
        #expect(try sh("printf abc > '\(f.m)/t' && printf d > '\(f.m)/t' && cat '\(f.m)/t'").output == "d")
        #expect(f.read("t") == "d")
        let owner = try sh("stat -c %u '\(f.m)/t'").output
        #expect(owner == "\(getuid())\n")
    }

    @Test("ls -la of a directory with 1000 files")
    func largeDirectory() throws {
        let f = try Fixture()
        defer { f.tearDown() }
        try FileManager.default.createDirectory(atPath: f.share + "/many", withIntermediateDirectories: true)
        for i in 0..<1000 {
            try String(repeating: "x", count: i).write(toFile: f.share + "/many/file\(i)", atomically: false, encoding: .utf8)
        }
        let listing = try sh("ls -la '\(f.m)/many'")
        #expect(listing.status == 0)
        let lines = listing.output.split(separator: "\n")
        #expect(lines.count == 1003)  // "total", ".", "..", 1000 files
        #expect(lines.contains { $0.hasSuffix(" file999") && $0.contains(" 999 ") })
        let names = try sh("ls '\(f.m)/many' | sort | md5sum").output
        let expected = try sh("ls '\(f.share)/many' | sort | md5sum").output
        #expect(names == expected)
    }

    @Test("a 64 MiB file copied in and out keeps its checksum")
    func largeFile() throws {
        let f = try Fixture()
        defer { f.tearDown() }
        let src = f.directory.sub("src.bin")
        let back = f.directory.sub("back.bin")
        #expect(try sh("head -c 67108864 /dev/urandom > '\(src)'").status == 0)
        #expect(try sh("cp '\(src)' '\(f.m)/big.bin'").status == 0)
        #expect(try sh("cp '\(f.m)/big.bin' '\(back)'").status == 0)
        let sums = try sh("sha256sum < '\(src)'; sha256sum < '\(f.share)/big.bin'; sha256sum < '\(back)'").output
            .split(separator: "\n")
        #expect(sums.count == 3)
        #expect(Set(sums).count == 1)
        var st = stat()
        #expect(stat(f.share + "/big.bin", &st) == 0 && st.st_size == 67_108_864)
    }

    @Test("a read-only share can be listed and read but not changed")
    func readOnlyMount() throws {
        let directory = try TemporaryDirectory("qvd-sftp-sshfs-ro")
        defer { directory.remove() }
        let share = directory.sub("share")
        try FileManager.default.createDirectory(atPath: share, withIntermediateDirectories: true)
        try "keep".write(toFile: share + "/f.txt", atomically: false, encoding: .utf8)
        let mount = try SSHFSMount(share: share, mountpoint: directory.sub("mnt"), server: .inProcess(readOnly: true), logFile: directory.sub("sshfs.log"))
        defer { mount.unmount() }
        let m = mount.mountpoint
        #expect(try sh("cat '\(m)/f.txt'").output == "keep")
        #expect(try sh("echo x > '\(m)/f.txt'").status != 0)
        #expect(try sh("echo x > '\(m)/new.txt'").status != 0)
        #expect(try sh("rm '\(m)/f.txt'").status != 0)
        #expect(try sh("mkdir '\(m)/d'").status != 0)
        #expect(try sh("chmod 777 '\(m)/f.txt'").status != 0)
        #expect(try String(contentsOfFile: share + "/f.txt", encoding: .utf8) == "keep")
        #expect(try FileManager.default.contentsOfDirectory(atPath: share) == ["f.txt"])
    }

    /// Throughput of a 64 MiB copy through sshfs, this server vs OpenSSH's sftp-server in the
    /// same harness (write through one mount, read back through a fresh mount so the FUSE
    /// page cache does not answer). Prints numbers only; run with QVD_SFTP_BENCHMARK=1.
    @Test("benchmark: 64 MiB through sshfs, SFTPServer vs OpenSSH sftp-server",
          .enabled(if: ProcessInfo.processInfo.environment["QVD_SFTP_BENCHMARK"] == "1"))
    func benchmark() throws {
        let directory = try TemporaryDirectory("qvd-sftp-bench")
        defer { directory.remove() }
        let src = directory.sub("src.bin")
        #expect(try sh("head -c 67108864 /dev/urandom > '\(src)'").status == 0)
        let servers: [(String, SSHFSMount.Server)] = [
            ("SFTPServer", .inProcess(readOnly: false)), ("OpenSSH", .openSSH),
            ("SFTPServer", .inProcess(readOnly: false)), ("OpenSSH", .openSSH),
        ]
        for (index, (label, server)) in servers.enumerated() {
            let share = directory.sub("share\(index)")
            try FileManager.default.createDirectory(atPath: share, withIntermediateDirectories: true)
            var mount = try SSHFSMount(share: share, mountpoint: directory.sub("mnt\(index)"), server: server, logFile: directory.sub("log"))
            let start = Date()
            #expect(try sh("cp '\(src)' '\(mount.mountpoint)/big.bin'").status == 0)
            let writeSeconds = Date().timeIntervalSince(start)
            mount.unmount()
            mount = try SSHFSMount(share: share, mountpoint: directory.sub("mnt\(index)"), server: server, logFile: directory.sub("log"))
            defer { mount.unmount() }
            let readStart = Date()
            #expect(try sh("cat '\(mount.mountpoint)/big.bin' > /dev/null").status == 0)
            let readSeconds = Date().timeIntervalSince(readStart)
            print("BENCH \(label): write 64 MiB in \(String(format: "%.2f", writeSeconds)) s (\(String(format: "%.0f", 64 / writeSeconds)) MiB/s), read in \(String(format: "%.2f", readSeconds)) s (\(String(format: "%.0f", 64 / readSeconds)) MiB/s)")
        }
    }
}
