import Testing
@testable import QVDAgent

struct EnvironmentFileParserTests {
    typealias Entry = EnvironmentFileParser.Entry
    typealias LineProblem = EnvironmentFileParser.LineProblem

    @Test func parsesPlainQuotedAndCommentedLines() {
        let text = """
        # a comment
          LANG="de_DE.UTF-8"
        LC_ALL='C.UTF-8'   # trailing comment
        PLAIN=value
        SPACED = x
        TRAIL=with spaces   \t
        INLINE=abc # comment
        HASH=http://host/#frag
        EMPTY=
        QUOTED_EMPTY=""
        EQUALS=a=b=c
        KEEP="it's # not a comment"
        RAW="back\\slash"
        CRLF=yes\r

        """
        let parsed = EnvironmentFileParser.parse(text)
        #expect(parsed.entries == [
            Entry(name: "LANG", value: "de_DE.UTF-8", lineNumber: 2),
            Entry(name: "LC_ALL", value: "C.UTF-8", lineNumber: 3),
            Entry(name: "PLAIN", value: "value", lineNumber: 4),
            Entry(name: "TRAIL", value: "with spaces", lineNumber: 6),
            Entry(name: "INLINE", value: "abc", lineNumber: 7),
            Entry(name: "HASH", value: "http://host/#frag", lineNumber: 8),
            Entry(name: "EMPTY", value: "", lineNumber: 9),
            Entry(name: "QUOTED_EMPTY", value: "", lineNumber: 10),
            Entry(name: "EQUALS", value: "a=b=c", lineNumber: 11),
            Entry(name: "KEEP", value: "it's # not a comment", lineNumber: 12),
            Entry(name: "RAW", value: "back\\slash", lineNumber: 13),
            Entry(name: "CRLF", value: "yes", lineNumber: 14),
        ])
        #expect(parsed.problems == [LineProblem(lineNumber: 5, problem: .invalidName("SPACED "))])
    }

    @Test func reportsBadLines() {
        let text = "NOEQUALS\n1ABC=x\nexport FOO=1\nA-B=2\n#X=1\nQ=\"open\nR='a'b\nS=\"a\" # ok\nT=a\u{0}b\n=empty\n"
        let parsed = EnvironmentFileParser.parse(text)
        #expect(parsed.entries == [Entry(name: "S", value: "a", lineNumber: 8)])
        #expect(parsed.problems == [
            LineProblem(lineNumber: 1, problem: .missingEquals),
            LineProblem(lineNumber: 2, problem: .invalidName("1ABC")),
            LineProblem(lineNumber: 3, problem: .invalidName("export FOO")),
            LineProblem(lineNumber: 4, problem: .invalidName("A-B")),
            LineProblem(lineNumber: 6, problem: .unterminatedQuote),
            LineProblem(lineNumber: 7, problem: .textAfterClosingQuote),
            LineProblem(lineNumber: 9, problem: .nulByte),
            LineProblem(lineNumber: 10, problem: .invalidName("")),
        ])
    }

    @Test func validNames() {
        #expect(EnvironmentFileParser.isValidName("_"))
        #expect(EnvironmentFileParser.isValidName("LANG"))
        #expect(EnvironmentFileParser.isValidName("a1_B"))
        #expect(!EnvironmentFileParser.isValidName(""))
        #expect(!EnvironmentFileParser.isValidName("9A"))
        #expect(!EnvironmentFileParser.isValidName("É"))
        #expect(!EnvironmentFileParser.isValidName("A.B"))
    }

    @Test func problemDescriptions() {
        #expect(EnvironmentFileParser.Problem.invalidName("A-B").description
            == "\"A-B\" is not a valid variable name (letters, digits and '_', not starting with a digit)")
        #expect(EnvironmentFileParser.Problem.missingEquals.description == "not of the form NAME=VALUE")
    }
}
