import QVDCore
import Testing
@testable import QVDClient

/// Request bytes compared with what the transcripts show the Perl client sends
/// (`upstream-clients-observed.md` §5.2–5.3), adjusted for the choices in `L7RRequest`.
@Suite struct L7RRequestTests {
    let credentials = ClientCredentials.basic(login: "alice", password: "PASSWORD")

    func settings(_ change: (inout ClientOptions) -> Void = { _ in }) throws -> ClientSettings {
        var options = ClientOptions()
        options.host = "127.0.0.1"
        options.login = "alice"
        options.password = "PASSWORD"
        change(&options)
        return try ClientSettings.resolve(options: options, environment: [:], home: "/nonexistent", systemFile: nil)
    }

    func text(_ head: HTTPRequestHead) -> String {
        String(decoding: HTTPHeadWriter.bytes(of: head), as: UTF8.self)
    }

    @Test func connectToVMBytes() throws {
        let head = L7RRequest.connectToVM(id: 1, settings: try settings(), credentials: credentials)
        #expect(text(head) == "GET /qvd/connect_to_vm?id=1&qvd.client.os=linux&qvd.client.keyboard=pc105%2Fus"
            + "&qvd.client.link=adsl&qvd.client.geometry=1024x768&qvd.client.fullscreen=0 HTTP/1.1\r\n"
            + "Authorization: Basic YWxpY2U6UEFTU1dPUkQ=\r\n"
            + "Connection: Upgrade\r\n"
            + "Upgrade: QVD/1.0\r\n"
            + "User-Agent: qvdclient-swift/1.0 (linux)\r\n"
            + "\r\n")
    }

    @Test func connectToVMWithOptions() throws {
        // As c-connect-options.txt: -s 2 -g 1280x720 -f -K pc105/es.
        let head = L7RRequest.connectToVM(id: 2, settings: try settings {
            $0.geometry = "1280x720"
            $0.fullscreen = true
            $0.keyboard = "pc105/es"
        }, credentials: credentials)
        #expect(head.target == "/qvd/connect_to_vm?id=2&qvd.client.os=linux&qvd.client.keyboard=pc105%2Fes"
            + "&qvd.client.link=adsl&qvd.client.geometry=1280x720&qvd.client.fullscreen=1")
        let names = head.queryParameters.map(\.name)
        #expect(names == ["id", "qvd.client.os", "qvd.client.keyboard", "qvd.client.link", "qvd.client.geometry", "qvd.client.fullscreen"])
        #expect(head.queryParameters.first { $0.name == "qvd.client.keyboard" }?.value == "pc105/es")
    }

    @Test func listAndStopBytes() {
        #expect(text(L7RRequest.listOfVM(credentials: credentials)) == "GET /qvd/list_of_vm HTTP/1.1\r\n"
            + "Authorization: Basic YWxpY2U6UEFTU1dPUkQ=\r\n"
            + "Accept: application/json\r\n"
            + "User-Agent: qvdclient-swift/1.0 (linux)\r\n\r\n")
        #expect(text(L7RRequest.stopVM(id: 3, credentials: .bearer("dG9r"))) == "GET /qvd/stop_vm?id=3 HTTP/1.1\r\n"
            + "Authorization: Bearer dG9r\r\n"
            + "Connection: Upgrade\r\n"
            + "Upgrade: QVD/1.0\r\n"
            + "User-Agent: qvdclient-swift/1.0 (linux)\r\n\r\n")
    }
}
