#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import Testing
@testable import QVDSlave

@Suite struct SharesDirectoryTests {
    let unmounter = FuseUnmounter(program: ExecutableSearch.fusermount(path: nil), logger: Logger(label: "test"))

    @Test(arguments: ["Redirected", "/abs/path", "~", "~/", "~/../etc", "~/a/./b"])
    func refusesPathsOutsideTheHome(configured: String) {
        #expect(throws: SlaveError.self) { try SharesDirectory(configured: configured, home: "/home/u") }
    }

    @Test func resolvesUnderTheHome() throws {
        #expect(try SharesDirectory(configured: "~/Redirected", home: "/home/u/").path == "/home/u/Redirected")
        #expect(try SharesDirectory(configured: "~/a/b", home: "/home/u").path == "/home/u/a/b")
    }

    @Test func refusesALinkInPlaceOfTheFolder() throws {
        let root = try SlaveTestSupport.makeTemporaryDirectory("shares")
        defer { try? FileManager.default.removeItem(atPath: root) }
        symlink("/tmp", root + "/Redirected")
        let shares = try SharesDirectory(configured: "~/Redirected", home: root)
        #expect(throws: SlaveError.self) { try shares.allocate(ShareName.derive(fromClientPath: "/x/a"), unmounter: unmounter) }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/a"))
    }

    @Test func removeAllTakesEveryShareDirectoryAway() throws {
        let root = try SlaveTestSupport.makeTemporaryDirectory("shares")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let shares = try SharesDirectory(configured: "~/Redirected", home: root)
        let first = try shares.allocate(ShareName.derive(fromClientPath: "/a/docs"), unmounter: unmounter)
        let second = try shares.allocate(ShareName.derive(fromClientPath: "/b/docs"), unmounter: unmounter)
        #expect([first.value, second.value] == ["docs", "docs (2)"])
        try SlaveTestSupport.write("x", to: shares.path + "/not-a-share.txt")
        #expect(shares.entries() == [ShareEntry(name: "docs", state: .idle), ShareEntry(name: "docs (2)", state: .idle)])
        let result = shares.removeAll(unmounter: unmounter)
        #expect(result.removed == ["docs", "docs (2)"])
        #expect(result.errors.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: shares.path) == ["not-a-share.txt"])
    }
}
