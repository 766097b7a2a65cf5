#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import QVDAgent

struct EnvironmentFileReaderTests {
    @Test func readsAPlainFileAndSkipsAMissingOne() throws {
        let directory = try EnvironmentTestDirectory()
        let file = try directory.write("env", "A=1\n", mode: 0o600)
        #expect(EnvironmentFileReader.readUserFile(file, ownerID: geteuid()) == .contents(Array("A=1\n".utf8)))
        #expect(EnvironmentFileReader.readSystemFile(file) == .contents(Array("A=1\n".utf8)))
        #expect(EnvironmentFileReader.readUserFile(directory.path + "/missing", ownerID: geteuid()) == .missing)
        #expect(EnvironmentFileReader.readSystemFile(directory.path + "/no/such/dir") == .missing)
    }

    @Test func refusesSymlinksForTheUserButFollowsThemForSystemFiles() throws {
        let directory = try EnvironmentTestDirectory()
        let target = try directory.write("target", "A=1\n", mode: 0o600)
        let link = directory.path + "/link"
        #expect(symlink(target, link) == 0)
        #expect(EnvironmentFileReader.readUserFile(link, ownerID: geteuid()) == .refused(.symbolicLink))
        #expect(EnvironmentFileReader.readSystemFile(link) == .contents(Array("A=1\n".utf8)))
    }

    @Test func refusesFifosDirectoriesAndHugeFiles() throws {
        let directory = try EnvironmentTestDirectory()
        let fifo = directory.path + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(EnvironmentFileReader.readUserFile(fifo, ownerID: geteuid()) == .refused(.notARegularFile))
        #expect(EnvironmentFileReader.readSystemFile(fifo) == .refused(.notARegularFile))
        #expect(EnvironmentFileReader.readUserFile(directory.path, ownerID: geteuid()) == .refused(.notARegularFile))
        let huge = try directory.write("huge", String(repeating: "A=1\n", count: 20_000), mode: 0o600)
        #expect(EnvironmentFileReader.readUserFile(huge, ownerID: geteuid()) == .refused(.tooLarge(80_000)))
    }

    @Test(.enabled(if: geteuid() == 0, "needs root to create root-owned files for another user"))
    func aRootOwnedFileIsAcceptedOnlyWithASingleLink() throws {
        let directory = try EnvironmentTestDirectory()
        let file = try directory.write("env", "A=1\n", mode: 0o644)
        #expect(EnvironmentFileReader.readUserFile(file, ownerID: 4242) == .contents(Array("A=1\n".utf8)))
        #expect(link(file, directory.path + "/second") == 0)
        #expect(EnvironmentFileReader.readUserFile(file, ownerID: 4242) == .refused(.multiplyLinked(2)))
        #expect(EnvironmentFileReader.readUserFile(file, ownerID: 0) == .contents(Array("A=1\n".utf8)))
        #expect(chmod(file, 0o620) == 0)
        #expect(EnvironmentFileReader.readUserFile(file, ownerID: 0) == .refused(.writableByOthers(mode: 0o620)))
    }
}
