import Testing
@testable import QVDL7RStub

struct L7RXStartParametersTests {
    @Test func laterSourcesWin() {
        let merged = L7RXStartParameters.merge(
            client: [L7RParameter("qvd.client.os", "linux"), L7RParameter("qvd.vm.user.name", "mallory"),
                     L7RParameter("qvd.slave.key", "forged"), L7RParameter("custom.a", "1")],
            vmProperties: [("custom.a", "2"), ("qvd.vm.user.home", "/home/a")],
            login: "alice", slaveKey: "K")
        #expect(merged == [
            L7RParameter("qvd.client.os", "linux"), L7RParameter("custom.a", "2"),
            L7RParameter("qvd.vm.user.home", "/home/a"), L7RParameter("qvd.vm.user.name", "alice"),
            L7RParameter("qvd.slave.key", "K"),
        ])
    }
}
