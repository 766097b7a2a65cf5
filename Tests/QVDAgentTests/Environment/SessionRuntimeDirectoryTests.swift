#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import QVDAgent

struct SessionRuntimeDirectoryTests {
    static let user = SessionIdentity(userName: "alice", userID: 4242, groupID: 4343, groups: [4343], homeDirectory: "/home/alice", shell: "/bin/sh")

    static func info(_ path: String) -> stat? {
        var info = stat()
        return lstat(path, &info) == 0 ? info : nil
    }

    @Test(.enabled(if: geteuid() == 0, "needs root to create directories owned by another user"))
    func createsTheRootAndAPrivateDirectoryOwnedByTheUser() throws {
        let directory = try EnvironmentTestDirectory()
        let root = directory.path + "/run/user"
        #expect(mkdir(directory.path + "/run", 0o755) == 0)
        let previous = umask(0o077)
        defer { umask(previous) }

        let path = try SessionRuntimeDirectory.prepare(for: Self.user, root: root)
        #expect(path == root + "/4242")
        let rootInfo = try #require(Self.info(root))
        #expect(rootInfo.st_uid == 0)
        let made = try #require(Self.info(path))
        #expect(made.st_mode & S_IFMT == S_IFDIR)
        #expect(made.st_mode & 0o7777 == 0o700)
        #expect(made.st_uid == 4242)
        #expect(made.st_gid == 4343)

        // Again: kept, and a loosened mode is put back to 0700.
        #expect(chmod(path, 0o755) == 0)
        #expect(try SessionRuntimeDirectory.prepare(for: Self.user, root: root) == path)
        #expect(Self.info(path).map { $0.st_mode & 0o7777 } == 0o700)
    }

    @Test(.enabled(if: geteuid() == 0, "needs root: the check compares owners"))
    func refusesWhatItDidNotMakeForTheUser() throws {
        let directory = try EnvironmentTestDirectory()
        let root = directory.path
        let path = root + "/4242"

        #expect(mkdir(path, 0o700) == 0)
        #expect(throws: SessionRuntimeDirectoryError(path: path, problem: .wrongOwner(0))) {
            try SessionRuntimeDirectory.prepare(for: Self.user, root: root)
        }
        #expect(rmdir(path) == 0)

        #expect(symlink("/etc", path) == 0)
        #expect(throws: SessionRuntimeDirectoryError(path: path, problem: .symbolicLink)) {
            try SessionRuntimeDirectory.prepare(for: Self.user, root: root)
        }
        #expect(unlink(path) == 0)

        try directory.write("4242", "")
        #expect(throws: SessionRuntimeDirectoryError(path: path, problem: .notADirectory)) {
            try SessionRuntimeDirectory.prepare(for: Self.user, root: root)
        }
        #expect(SessionRuntimeDirectoryError(path: path, problem: .wrongOwner(0)).description
            == "the session runtime directory \(path) belongs to uid 0, not to the session's user; remove it")
    }

    @Test func pathIsRootAndUid() {
        #expect(SessionRuntimeDirectory.path(for: 1000) == "/run/user/1000")
        #expect(SessionRuntimeDirectory.path(for: 7, root: "/tmp/x/") == "/tmp/x/7")
    }
}
