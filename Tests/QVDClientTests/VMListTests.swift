import Testing
@testable import QVDClient

/// The list_of_vm bodies of the transcripts: integers (real L7R), strings, booleans and
/// `"blocked" : null` (`c-list-json-*.txt`, `p-list-json-*.txt`, `l7r-raw-list-nullblocked.txt`).
@Suite struct VMListTests {
    static func body(id1: String, id2: String, blocked1: String, blocked2: String, app: String) -> [UInt8] {
        Array("""
        [
           {
              "id" : \(id1),
              "name" : "Desktop-1",
              "state" : "running",
              "blocked" : \(blocked1),
              "is_application" : \(app)
           },
           {
              "id" : \(id2),
              "name" : "Desktop-2",
              "state" : "stopped",
              "blocked" : \(blocked2),
              "is_application" : \(app)
           }
        ]

        """.utf8)
    }

    static let expected = [
        VMListEntry(id: 1, name: "Desktop-1", state: "running", blocked: false),
        VMListEntry(id: 2, name: "Desktop-2", state: "stopped", blocked: true),
    ]

    @Test func integers() throws {
        #expect(try VMList.decode(Self.body(id1: "1", id2: "2", blocked1: "0", blocked2: "1", app: "0")).entries == Self.expected)
    }

    @Test func strings() throws {
        #expect(try VMList.decode(Self.body(id1: "\"1\"", id2: "\"2\"", blocked1: "\"0\"", blocked2: "\"1\"", app: "\"0\"")).entries == Self.expected)
    }

    @Test func booleans() throws {
        #expect(try VMList.decode(Self.body(id1: "1", id2: "2", blocked1: "false", blocked2: "true", app: "false")).entries == Self.expected)
    }

    @Test func nullBlocked() throws {
        let list = try VMList.decode(Self.body(id1: "1", id2: "2", blocked1: "null", blocked2: "1", app: "0"))
        #expect(list.entries == Self.expected)
    }

    @Test func emptyList() throws {
        #expect(try VMList.decode(Array("[]\n".utf8)).entries == [])
    }

    @Test func garbageIsAProtocolError() {
        let error = #expect(throws: ClientError.self) { try VMList.decode(Array("Server is blocked".utf8)) }
        #expect(error?.code == .protocolError)
        #expect(error?.phase == .listingVMs)
        #expect(error?.message.hasSuffix(": Server is blocked") == true)
        let badID = #expect(throws: ClientError.self) { try VMList.decode(Array(#"[{"id":"one","name":"x"}]"#.utf8)) }
        #expect(badID?.message.contains("id is not a whole number") == true)
    }

    @Test func tableAndJSON() {
        let list = VMList(Self.expected)
        #expect(list.table == """
            Id      State      Name                                    Blocked
            ==================================================================
            1       running    Desktop-1                               0
            2       stopped    Desktop-2                               1

            """)
        #expect(list.json == #"[{"id":1,"name":"Desktop-1","state":"running","blocked":0,"is_application":0},{"id":2,"name":"Desktop-2","state":"stopped","blocked":1,"is_application":0}]"# + "\n")
        #expect(VMList.quote("a\"é\n") == #""a\"\u00e9\n""#)
    }
}
