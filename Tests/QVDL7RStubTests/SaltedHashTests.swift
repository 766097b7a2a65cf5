import Testing
@testable import QVDL7RStub

struct SaltedHashTests {
    @Test func knownDigestOfSaltPlusSecret() throws {
        // sha256("abc") = ba7816bf…: salt "a" + secret "bc".
        let hash = SaltedHash.make(secret: "bc", salt: "a")
        #expect(hash.description == "sha256:a:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func storedFormRoundTripsAndMatchesOnlyTheSecret() throws {
        let hash = SaltedHash.make(secret: "correct horse")
        #expect(hash.salt.count == 16)
        let parsed = try #require(SaltedHash.parse(hash.description))
        #expect(parsed == hash)
        #expect(parsed.matches("correct horse"))
        #expect(!parsed.matches("correct horsE"))
        #expect(!parsed.matches(""))
    }

    @Test(arguments: ["", "sha256:salt", "md5:s:" + String(repeating: "0", count: 64),
                      "sha256::" + String(repeating: "0", count: 64), "sha256:s:" + String(repeating: "g", count: 64),
                      "sha256:s:" + String(repeating: "0", count: 63)])
    func malformedStoredFormsAreRejected(text: String) {
        #expect(SaltedHash.parse(text) == nil)
    }

    @Test func slaveKeysAre64RandomAlphanumerics() {
        let first = RandomAlphanumerics.slaveKey()
        let second = RandomAlphanumerics.slaveKey()
        #expect(first.count == 64)
        #expect(first.utf8.allSatisfy { RandomAlphanumerics.alphabet.contains($0) })
        #expect(first != second)
    }
}
