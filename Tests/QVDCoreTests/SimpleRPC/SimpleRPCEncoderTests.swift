import QVDCore
import Testing

/// Expected bytes come from the VMA transcript (`transcripts/vma/transcript.norm.txt`) and
/// from Perl JSON::XS 4.04 `->ascii->pretty->allow_nonref` run by hand.
@Suite("SimpleRPCEncoder")
struct SimpleRPCEncoderTests {
    private func pretty(_ value: SimpleRPCValue) -> String {
        String(decoding: SimpleRPCEncoder.encodePretty(value), as: UTF8.self)
    }

    @Test func scalarsEndInANewline() {
        #expect(pretty("starting") == "\"starting\"\n")
        #expect(pretty(nil) == "null\n")
        #expect(pretty(1) == "1\n")
        #expect(pretty(-42) == "-42\n")
        #expect(pretty(true) == "true\n")
        #expect(pretty(false) == "false\n")
    }

    @Test(arguments: [
        (0.5, "0.5"), (3.0, "3"), (1e20, "1e+20"), (0.1, "0.1"), (-1.25e-7, "-1.25e-07"),
        (123_456_789.123456789, "123456789.123457"), (Double.infinity, "null"), (Double.nan, "null"),
    ])
    func doublesPrintLikePerlNVs(number: Double, expected: String) {
        #expect(pretty(.double(number)) == expected + "\n")
    }

    @Test func nonASCIIIsEscapedWithLowercaseHex() {
        #expect(pretty("café ü ñ") == "\"caf\\u00e9 \\u00fc \\u00f1\"\n")
        #expect(pretty("😀 x") == "\"\\ud83d\\ude00 x\"\n")
        #expect(pretty("d\u{7F}e\u{80}\u{FFFF}\u{10FFFF}") == "\"d\u{7F}e\\u0080\\uffff\\udbff\\udfff\"\n")
    }

    @Test func escapesMatchJSONXS() {
        #expect(pretty("a\"b\\c/d\u{1}\u{1F}\u{8}\u{C}\t\r\n") == "\"a\\\"b\\\\c/d\\u0001\\u001f\\b\\f\\t\\r\\n\"\n")
    }

    @Test func emptyContainers() {
        #expect(pretty([]) == "[]\n")
        #expect(pretty([:]) == "{}\n")
    }

    @Test func nestedArraysUseThreeSpaceIndent() {
        #expect(pretty([1, [2, []], [:]]) == "[\n   1,\n   [\n      2,\n      []\n   ],\n   {}\n]\n")
    }

    @Test func nestedObjectMatchesJSONXSCanonicalOutput() {
        let value: SimpleRPCValue = [
            "list": [1, "x", ["k": []]],
            "nested": ["inner": ["deep": false]],
            "state": "connected",
        ]
        let expected = """
            {
               "list" : [
                  1,
                  "x",
                  {
                     "k" : []
                  }
               ],
               "nested" : {
                  "inner" : {
                     "deep" : false
                  }
               },
               "state" : "connected"
            }

            """
        #expect(pretty(value) == expected)
    }

    @Test func objectsKeepInsertionOrderAndNullMembers() {
        let value: SimpleRPCValue = ["a": [1, 2, ["b": true, "c": nil]]]
        #expect(pretty(value) == "{\n   \"a\" : [\n      1,\n      2,\n      {\n         \"b\" : true,\n         \"c\" : null\n      }\n   ]\n}\n")
        #expect(pretty(["z": 1, "a": 2]) == "{\n   \"z\" : 1,\n   \"a\" : 2\n}\n")
    }

    @Test func compactForm() {
        #expect(SimpleRPCEncoder.compactString([1, ["a": "é"], "x"]) == "[1,{\"a\":\"\\u00e9\"},\"x\"]")
        #expect(SimpleRPCEncoder.encodeCompact("s") == Array("\"s\"".utf8))
    }
}
