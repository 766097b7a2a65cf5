import QVDCore
import Testing

@Suite("SimpleRPCJSONParser")
struct SimpleRPCJSONParserTests {
    private func parse(_ text: String) throws -> SimpleRPCValue {
        try SimpleRPCJSONParser.parse(Array(text.utf8))
    }

    @Test func objectsKeepOrderAndRepeatedKeysTakeTheLastValue() throws {
        let value = try parse(#"{"z":1,"a":2,"z":3}"#)
        #expect(value == .object([.init("z", 3), .init("a", 2)]))
        #expect(value["z"] == 3)
        #expect(value["missing"] == nil)
    }

    @Test func escapesAndSurrogatePairs() throws {
        #expect(try parse(#""\u00e9\ud83d\ude00\/\b\f\n\r\t\"\\""#) == .string("é😀/\u{8}\u{C}\n\r\t\"\\"))
        #expect(try parse(#""\u00E9""#) == .string("é"))
        #expect(try parse("\"é raw\"") == .string("é raw"))
    }

    @Test func numbers() throws {
        #expect(try parse("0") == .integer(0))
        #expect(try parse("-12") == .integer(-12))
        #expect(try parse("1.5e2") == .double(150))
        #expect(try parse("2E-1") == .double(0.2))
        #expect(try parse("-0.0") == .double(-0.0))
        #expect(try parse("99999999999999999999") == .double(1e20))
    }

    @Test func literalsAndWhitespace() throws {
        #expect(try parse(" \t\r\n[true , false,null ] ") == [true, false, nil])
    }

    @Test func errorsReportOffsetsInTheirOwnInput() {
        let error = #expect(throws: SimpleRPCDecodingError.self) { try parse("[1, x]") }
        #expect(error?.kind == .unexpectedByte(expected: "a value"))
        #expect(error?.offset == 4)
        #expect(error?.bodyLength == 6)
        #expect(error?.excerpt == "[1, x]")
        let trailing = #expect(throws: SimpleRPCDecodingError.self) { try parse("1 2") }
        #expect(trailing?.kind == .trailingData)
        #expect(trailing?.offset == 2)
    }

    @Test func valueAccessors() {
        let value: SimpleRPCValue = ["s": "x", "n": 4, "a": [nil]]
        #expect(value["s"]?.stringValue == "x")
        #expect(value["n"]?.integerValue == 4)
        #expect(value["a"]?.arrayValue == [.null])
        #expect(value["a"]?.arrayValue?.first?.isNull == true)
        #expect(SimpleRPCValue.string("x")["s"] == nil)
    }
}
