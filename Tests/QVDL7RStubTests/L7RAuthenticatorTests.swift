import Foundation
import QVDCore
import Testing
@testable import QVDL7RStub

/// Upstream's Basic/Bearer rules (`upstream-l7r-protocol.md` §3.1).
struct L7RAuthenticatorTests {
    let authenticator = L7RAuthenticator(accounts: L7RAccounts(
        users: [
            L7RUser(login: "carol", password: .make(secret: "a:b c"), tokens: ["t": .make(secret: "tok")]),
            L7RUser(login: "dave", password: .make(secret: "pw"), blocked: true),
        ],
        machines: []))

    func login(_ header: String?, name: String = "Authorization") -> String? {
        var headers = HTTPHeaders()
        if let header { headers.add(name: name, value: header) }
        return authenticator.authenticate(headers)?.login
    }

    func basic(_ credentials: String) -> String {
        "Basic " + Data(credentials.utf8).base64EncodedString()
    }

    @Test func basicSplitsAtTheFirstColonAndLowerCasesTheLogin() {
        #expect(login(basic("CAROL:a:b c")) == "carol")
        #expect(login(basic("carol#default:a:b c")) == "carol")
        #expect(login(basic("carol@other:a:b c")) == nil)
        #expect(login(basic("carol:a:b")) == nil)
        #expect(login(basic("carol:")) == nil)
        #expect(login(basic(":a:b c")) == nil)
        #expect(login(basic("carol:a:b c"), name: "authorization") == nil)
        #expect(login(nil) == nil)
        #expect(login("Basic not-base64!") == nil)
    }

    @Test func blockedUserFailsWithTheRightPassword() {
        #expect(login(basic("dave:pw")) == nil)
    }

    @Test func bearerTokenIsBase64OfTheRawToken() {
        #expect(login("Bearer " + Data("tok".utf8).base64EncodedString()) == "carol")
        #expect(login("Bearer tok") == nil)
        #expect(login("Bearer " + Data("tok2".utf8).base64EncodedString()) == nil)
    }
}
