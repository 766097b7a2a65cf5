import Testing
@testable import QVDSlave

@Suite struct ShareNameTests {
    @Test(arguments: [
        ("/home/alice", "alice"),
        ("/home/alice/", "alice"),
        ("/", "Root"),
        ("", "Root"),
        ("C:\\", "C"),
        ("D:\\Users\\bob", "bob"),
        ("C:/Users/alice", "alice"),
        ("/media", "media"),
        ("/x/..", "__"),
        ("..", "__"),
        ("a/../..", "__"),
        ("/x/.", "_"),
        ("/tmp/evil\r\nX-Injected: 1", "evil__X-Injected: 1"),
        ("/tmp/tab\there", "tab_here"),
        ("/home/alice/Café ☕", "Café ☕"),
    ])
    func derivesUpstreamNamesSafely(path: String, expected: String) {
        #expect(ShareName.derive(fromClientPath: path).value == expected)
    }

    @Test func longNamesAreCutAtACharacterBoundary() {
        let long = String(repeating: "é", count: 150) // 300 bytes
        let name = ShareName.derive(fromClientPath: "/x/" + long)
        #expect(name.value.utf8.count == 200)
        #expect(name.value == String(repeating: "é", count: 100))
        #expect(name.withSuffix(2).value.utf8.count == 204)
    }

    @Test func suffixes() {
        let name = ShareName.derive(fromClientPath: "/home/alice")
        #expect(name.withSuffix(1).value == "alice")
        #expect(name.withSuffix(2).value == "alice (2)")
        #expect(name.withSuffix(13).value == "alice (13)")
    }

    @Test(arguments: ["..", ".", "", "a/b", "a\\b", "x\ny", "\u{7F}", String(repeating: "a", count: 256)])
    func refusesTicketsThatAreNotOneEntry(ticket: String) {
        #expect(ShareName(validating: ticket) == nil)
    }

    @Test(arguments: ["alice", "alice (2)", ".hidden", "Root", "Café"])
    func acceptsPlainTickets(ticket: String) {
        #expect(ShareName(validating: ticket)?.value == ticket)
    }
}
