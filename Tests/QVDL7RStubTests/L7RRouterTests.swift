import Foundation
import QVDCore
import Testing
@testable import QVDL7RStub

/// The check order of `upstream-l7r-protocol.md` §5.4, without sockets.
struct L7RRouterTests {
    let router = L7RRouter(accounts: StubFixture.accounts(vmaPort: 3030, nxPort: 4100))
    let basic = "Basic " + Data("Alice:\(StubFixture.alicePassword)".utf8).base64EncodedString()

    func head(_ target: String, _ headers: [(String, String)]) -> HTTPRequestHead {
        HTTPRequestHead(method: "GET", target: target, headers: HTTPHeaders(headers.map { (name: $0.0, value: $0.1) }))
    }

    @Test func authenticationComesBeforeEveryOtherCheck() {
        #expect(router.route(head("/qvd/connect_to_vm?foo=1", [])) == .unauthorized)
        #expect(router.route(head("/qvd/list_of_vm", [("Authorization", "Basic " + Data("alice:".utf8).base64EncodedString())])) == .unauthorized)
        #expect(router.route(head("/qvd/list_of_vm", [("Authorization", "Digest x")])) == .unauthorized)
    }

    @Test func upgradeHeadersAreComparedExactlyAfterTrimming() {
        let ok = router.route(head("/qvd/connect_to_vm?id=1&custom.x=%2F+y", [
            ("Authorization", basic), ("Connection", " Upgrade "), ("Upgrade", "QVD/1.0"),
        ]))
        guard case .connect(let request) = ok else {
            Issue.record("expected connect, got \(ok)")
            return
        }
        #expect(request.login == "alice")
        #expect(request.clientParameters == [L7RParameter("custom.x", "/ y")])
        #expect(router.route(head("/qvd/connect_to_vm?id=1", [("Authorization", basic), ("Connection", "upgrade"), ("Upgrade", "QVD/1.0")]))
                == .error(status: .upgradeRequired, message: nil, challenge: false))
        #expect(router.route(head("/qvd/connect_to_vm?id=1", [("Authorization", basic), ("Connection", "Upgrade"), ("upgrade", "QVD/1.0")]))
                == .error(status: .upgradeRequired, message: nil, challenge: false))
    }

    @Test func tenantSuffixAndBearerAreAccepted() {
        let tenant = "Basic " + Data("alice@default:\(StubFixture.alicePassword)".utf8).base64EncodedString()
        #expect(router.route(head("/qvd/list_of_vm", [("Authorization", tenant)])) == .listOfVM(login: "alice", applications: false))
        let bearer = "Bearer " + Data(StubFixture.aliceToken.utf8).base64EncodedString()
        #expect(router.route(head("/qvd/list_of_applications", [("Authorization", bearer)])) == .listOfVM(login: "alice", applications: true))
    }
}
