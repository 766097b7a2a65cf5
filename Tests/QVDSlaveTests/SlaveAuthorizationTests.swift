import QVDCore
import Testing
@testable import QVDSlave

@Suite struct SlaveAuthorizationTests {
    let key = SlaveKey("RightKey42")!

    @Test(arguments: [
        ([String](), SlaveAuthorization.missing),
        (["Basic RightKey42"], .accepted),
        (["basic RightKey42"], .accepted),
        (["BASIC   RightKey42  "], .accepted),
        (["Basic WrongKey42"], .wrong),
        (["Basic rightkey42"], .wrong),
        (["Basic UmlnaHRLZXk0Mg=="], .wrong),
        (["Bearer RightKey42"], .wrong),
        (["RightKey42"], .wrong),
        (["Basic"], .wrong),
        (["Basic RightKey42", "Basic RightKey42"], .wrong),
    ])
    func checksTheHeader(values: [String], expected: SlaveAuthorization) {
        var headers = HTTPHeaders()
        for value in values { headers.add(name: "Authorization", value: value) }
        #expect(SlaveAuthorization.check(headers, key: key) == expected)
    }

    @Test func refusalsEndTheConnection() throws {
        let missing = try #require(SlaveAuthorization.missing.refusal)
        #expect(missing.status == 401)
        #expect(missing.response.head.headers["WWW-Authenticate"] == "Basic realm=\"QVD\"")
        #expect(missing.closesConnection)
        let wrong = try #require(SlaveAuthorization.wrong.refusal)
        #expect(wrong.status == 403)
        #expect(wrong.closesConnection)
        #expect(SlaveAuthorization.accepted.refusal == nil)
    }
}
