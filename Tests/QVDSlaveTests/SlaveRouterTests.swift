import QVDCore
import Testing
@testable import QVDSlave

@Suite struct SlaveRouterTests {
    let key = SlaveKey("RightKey42")!

    func head(_ method: String, _ target: String, _ extra: [(String, String)] = [], auth: Bool = true) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        if auth { headers.add(name: "Authorization", value: "Basic RightKey42") }
        for (name, value) in extra { headers.add(name: name, value: value) }
        return HTTPRequestHead(method: method, target: target, headers: headers)
    }

    let upgrade = [("Connection", "Upgrade"), ("Upgrade", "qvd:sftp/1.0")]

    @Test func routesTheVMSide() throws {
        #expect(try VMSlaveRouter.route(head("PUT", "/shares//home/alice", upgrade), key: key).get()
                == .share(clientPath: "/home/alice", upgrade: SlaveUpgrade()))
        #expect(try VMSlaveRouter.route(head("PUT", "/shares//home/alice/My%20Docs%0D%0A", upgrade), key: key).get()
                == .share(clientPath: "/home/alice/My Docs\r\n", upgrade: SlaveUpgrade()))
        #expect(try VMSlaveRouter.route(head("PUT", "/shares/C:\\Users\\bob", upgrade), key: key).get()
                == .share(clientPath: "C:\\Users\\bob", upgrade: SlaveUpgrade()))
        #expect(try VMSlaveRouter.route(head("GET", "/shares//srv/data", upgrade), key: key).get()
                == .export(vmPath: "/srv/data", upgrade: SlaveUpgrade()))
        #expect(try VMSlaveRouter.route(head("GET", "/shares"), key: key).get() == .list)
        #expect(try VMSlaveRouter.route(head("DELETE", "/shares/alice%20(2)"), key: key).get() == .unshare(name: "alice (2)"))
        #expect(try VMSlaveRouter.route(head("POST", "/open/docs/a%20b.txt", [("X-QVD-Share-Ticket", "alice")]), key: key).get()
                == .open(ticket: "alice", path: "docs/a b.txt"))
        #expect(try VMSlaveRouter.route(head("POST", "/open//home/alice/x", []), key: key).get()
                == .open(ticket: nil, path: "/home/alice/x"))
    }

    @Test(arguments: [
        ("GET", "/"), ("GET", "/ping"), ("POST", "/usbip"), ("HEAD", "/shares"), ("PATCH", "/shares/x"),
        ("GET", "/open/x"), ("PUT", "/sharesx/y"), ("GET", "/vma/x_state"),
    ])
    func answersEverythingElseWith404(method: String, target: String) {
        guard case .failure(let refusal) = VMSlaveRouter.route(head(method, target, upgrade), key: key) else {
            Issue.record("\(method) \(target) was routed")
            return
        }
        #expect(refusal.status == 404)
    }

    @Test func authenticatesBeforeRouting() {
        guard case .failure(let missing) = VMSlaveRouter.route(head("GET", "/nothing-here", auth: false), key: key) else {
            Issue.record("routed without a key")
            return
        }
        #expect(missing.status == 401)
        guard case .failure(let bare) = VMSlaveRouter.route(head("PUT", "/shares//x", upgrade, auth: false), key: key) else {
            Issue.record("routed without a key")
            return
        }
        #expect(bare.status == 401)
        guard case .failure(let wrongUpgrade) = VMSlaveRouter.route(head("PUT", "/shares//x", [("Connection", "Upgrade")]), key: key) else {
            Issue.record("PUT without Upgrade was routed")
            return
        }
        #expect(wrongUpgrade.status == 400)
    }

    @Test func routesTheClientSide() throws {
        #expect(try ClientSlaveRouter.route(head("GET", "/ping"), body: [], key: key, openURLEnabled: false).get() == .ping)
        #expect(try ClientSlaveRouter.route(head("GET", "/version"), body: [], key: key, openURLEnabled: false).get() == .version)
        #expect(try ClientSlaveRouter.route(head("POST", "/open-url"), body: Array("https://example.org/a?b=c\n".utf8),
                                            key: key, openURLEnabled: true).get() == .openURL("https://example.org/a?b=c"))
        #expect(try ClientSlaveRouter.route(head("POST", "/open-url?url=http%3A%2F%2Fexample.org%2F"), body: [],
                                            key: key, openURLEnabled: true).get() == .openURL("http://example.org/"))
    }

    @Test(arguments: [
        ("POST", "/open-url", "https://example.org", false, 403),
        ("POST", "/open-url", "file:///etc/passwd", true, 400),
        ("POST", "/open-url", "javascript:alert(1)", true, 400),
        ("POST", "/open-url", "https://exa mple.org", true, 400),
        ("POST", "/open-url", "-https://example.org", true, 400),
        ("POST", "/open-url", "http://", true, 400),
        ("GET", "/tcp/portcheck/22", "", true, 404),
        ("POST", "/tcp/connect/22", "", true, 404),
        ("GET", "/printer", "", true, 404),
        ("GET", "/nsplugin", "", true, 404),
    ])
    func refusesOnTheClientSide(method: String, target: String, body: String, enabled: Bool, status: Int) {
        guard case .failure(let refusal) = ClientSlaveRouter.route(head(method, target), body: Array(body.utf8), key: key,
                                                                   openURLEnabled: enabled) else {
            Issue.record("\(method) \(target) \(body) was accepted")
            return
        }
        #expect(refusal.status.code == status)
    }
}
