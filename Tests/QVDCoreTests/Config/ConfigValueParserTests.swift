import Testing
@testable import QVDCore

@Suite struct ConfigValueParserTests {
    @Test func booleans() {
        #expect(["1", "yes", "YES", "true", "True", "on", "ON"].map(ConfigValueParser.bool) == Array(repeating: true, count: 7))
        #expect(["0", "no", "No", "false", "FALSE", "off", "Off", ""].map(ConfigValueParser.bool) == Array(repeating: false, count: 8))
        #expect(["2", "y", "n", "t", "enable", " 1", "1 "].map(ConfigValueParser.bool) == Array(repeating: nil, count: 7))
    }

    @Test func integers() {
        #expect(ConfigValueParser.int("3030") == 3030)
        #expect(ConfigValueParser.int("0022", radix: 8) == 18)
        #expect(ConfigValueParser.int("0089", radix: 8) == nil)
        #expect(ConfigValueParser.int("1_000") == nil)
        #expect(ConfigValueParser.int("") == nil)
        #expect(ConfigValueParser.int("99999999999999999999") == nil)
    }

    @Test func shellWordsEdgeCases() {
        #expect(ConfigValueParser.list("", style: .shellWords) == [])
        #expect(ConfigValueParser.list("  a   b  ", style: .shellWords) == ["a", "b"])
        #expect(ConfigValueParser.list("''", style: .shellWords) == [""])
        #expect(ConfigValueParser.list("a'b c'd", style: .shellWords) == ["ab cd"])
        #expect(ConfigValueParser.list(#""\$HOME \n""#, style: .shellWords) == [#"$HOME \n"#])
        #expect(ConfigValueParser.list("a\\", style: .shellWords) == nil)
        #expect(ConfigValueParser.list("\"a", style: .shellWords) == nil)
        #expect(ConfigValueParser.list("*.txt", style: .shellWords) == ["*.txt"])
    }
}
