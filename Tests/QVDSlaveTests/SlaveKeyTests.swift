#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import QVDSlave

@Suite struct SlaveKeyTests {
    @Test func matchesOnlyTheExactKey() throws {
        let key = try #require(SlaveKey("abcDEF123"))
        #expect(key.matches("abcDEF123"))
        #expect(!key.matches("abcDEF12"))
        #expect(!key.matches("abcDEF1234"))
        #expect(!key.matches("ABCDEF123"))
        #expect(!key.matches(""))
    }

    @Test func neverPrintsTheKey() throws {
        let key = try #require(SlaveKey("supersecretvalue"))
        #expect(key.description == "<slave key, 16 characters>")
        #expect(!"\(key)".contains("supersecret"))
    }

    @Test(arguments: ["", "   ", "has space", "tab\tkey", "caf\u{E9}"])
    func refusesKeysThatCannotBeSent(text: String) {
        #expect(SlaveKey(text) == nil)
    }

    @Test func loadsATrimmedKeyFromAPrivateFile() throws {
        let directory = try SlaveTestSupport.makeTemporaryDirectory("key")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/slave.conf"
        try SlaveTestSupport.write("Key0123\n", to: path)
        let key = try SlaveKey.load(from: path)
        #expect(key.matches("Key0123"))
    }

    @Test func refusesAFileOthersMayWrite() throws {
        let directory = try SlaveTestSupport.makeTemporaryDirectory("key")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/slave.conf"
        try SlaveTestSupport.write("Key0123", to: path, mode: 0o666)
        #expect(throws: SlaveError.self) { try SlaveKey.load(from: path) }
        do {
            _ = try SlaveKey.load(from: path)
        } catch {
            #expect(error.kind == .key)
            #expect(error.description.contains("mode 666"))
            #expect(!error.description.contains("Key0123"))
        }
    }

    @Test func refusesAMissingFileAndALink() throws {
        let directory = try SlaveTestSupport.makeTemporaryDirectory("key")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: SlaveError.self) { try SlaveKey.load(from: directory + "/missing") }
        try SlaveTestSupport.write("Key0123", to: directory + "/real")
        symlink(directory + "/real", directory + "/link")
        #expect(throws: SlaveError.self) { try SlaveKey.load(from: directory + "/link") }
    }
}

import Foundation
