import Foundation
import QVDClient
import QVDCore
import QVDL7RStub
import Testing

/// Issue 4, "Must show": our qvdclient's own requests are accepted by a stub as strict as
/// upstream's L7R. The stub's router applies upstream's checks in upstream's order by
/// default (`L7RRouter`: exact `Connection: Upgrade` / `Upgrade: QVD/1.0`, only `id`,
/// `qvd.client.*` and `custom.*` parameters, `id` required, authentication first), so
/// "strict" is its only configuration.
struct ClientRequestsStrictStubTests {
    static let accounts = L7RAccounts(
        users: [L7RUser(login: "alice", password: .make(secret: "pw"), tokens: ["laptop": .make(secret: "tok-raw")])],
        machines: [L7RVirtualMachine(id: 7, name: "Desk", owner: "alice", vmaHost: "127.0.0.1", nxHost: "127.0.0.1")])

    /// The settings the client resolves from these options (no system or user file).
    static func settings(_ configure: (inout ClientOptions) -> Void) throws -> ClientSettings {
        var options = ClientOptions()
        options.host = "l7r.example"
        options.login = "alice"
        options.password = "pw"
        configure(&options)
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("qvd-e2e-strict-\(UUID().uuidString)").path
        return try ClientSettings.resolve(options: options, environment: [:], home: home, systemFile: nil)
    }

    /// Every option that changes the connect request, one variant at a time: each request
    /// the client would send is routed to its action, never to an error.
    @Test(arguments: [
        "defaults", "geometry", "fullscreen", "keyboard with a slash and a plus", "bearer token", "restart",
    ])
    func clientRequestsPassUpstreamsChecks(_ variant: String) throws {
        let settings = try Self.settings { options in
            switch variant {
            case "geometry": options.geometry = "1920x1080"
            case "fullscreen": options.fullscreen = true
            case "keyboard with a slash and a plus": options.keyboard = "pc105/us+altgr-intl"
            case "bearer token":
                options.password = nil
                options.bearer = Data("tok-raw".utf8).base64EncodedString()
            case "restart": options.restart = true
            default: break
            }
        }
        let credentials = try #require(settings.credentials)
        let router = L7RRouter(accounts: Self.accounts)

        #expect(router.route(L7RRequest.listOfVM(credentials: credentials)) == .listOfVM(login: "alice", applications: false))
        let machine = try #require(Self.accounts.machines[7])
        #expect(router.route(L7RRequest.stopVM(id: 7, credentials: credentials)) == .stopVM(machine))

        let connect = L7RRequest.connectToVM(id: 7, settings: settings, credentials: credentials)
        guard case .connect(let request) = router.route(connect) else {
            Issue.record("\(variant): connect_to_vm refused: \(router.route(connect)) for \(connect.target)")
            return
        }
        #expect(request.login == "alice")
        #expect(request.machine.id == 7)
        let sent = Dictionary(request.clientParameters.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(sent["qvd.client.os"] == "linux")
        #expect(sent["qvd.client.geometry"] == settings.geometry)
        #expect(sent["qvd.client.keyboard"] == settings.keyboard)
        #expect(sent["qvd.client.fullscreen"] == (settings.fullscreen ? "1" : "0"))
        #expect(request.clientParameters.allSatisfy { $0.name.hasPrefix("qvd.client.") })
    }

    /// The strictness is real: the same connect with a header or parameter upstream
    /// refuses is refused.
    @Test func theStubRefusesWhatUpstreamRefuses() throws {
        let settings = try Self.settings { _ in }
        let credentials = try #require(settings.credentials)
        let router = L7RRouter(accounts: Self.accounts)
        let connect = L7RRequest.connectToVM(id: 7, settings: settings, credentials: credentials)

        var lowerCaseUpgrade = connect
        lowerCaseUpgrade.headers = HTTPHeaders(connect.headers.map { (name: $0.name, value: $0.name == "Upgrade" ? "qvd/1.0" : $0.value) })
        #expect(router.route(lowerCaseUpgrade) == .error(status: .upgradeRequired, message: nil, challenge: false))

        var extraParameter = connect
        extraParameter.target += "&foo=1"
        #expect(router.route(extraParameter) == .error(status: .forbidden, message: "Invalid parameters foo", challenge: false))

        var noID = connect
        noID.target = "/qvd/connect_to_vm?qvd.client.os=linux"
        #expect(router.route(noID) == .error(status: .unprocessableEntity, message: "parameter id is missing", challenge: false))
    }
}
