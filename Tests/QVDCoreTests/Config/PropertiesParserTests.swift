import Testing
@testable import QVDCore

/// The syntax of upstream's Config::Properties 1.80; expected values were checked against
/// that Perl module (except trailing whitespace, which we trim on purpose).
@Suite struct PropertiesParserTests {
    private func parse(_ text: String, path: String = "/etc/qvd/vma.conf") throws -> PropertiesDocument {
        try PropertiesParser(path: path).parse(text)
    }

    private func pairs(_ document: PropertiesDocument) -> [String] {
        document.entries.map { "\($0.key)=[\($0.value)]@\($0.source.line ?? 0)" }
    }

    @Test func separatorsCommentsAndBlankLines() throws {
        let text = """
        # comment
        ! bang comment
           # indented comment

        a = 1
        b: two
        c three
        d =
        e=   spaced value   \t
          f  :  x:y=z
        o = # not a comment
        s:
        """
        let document = try parse(text)
        #expect(pairs(document) == [
            "a=[1]@5", "b=[two]@6", "c=[three]@7", "d=[]@8", "e=[spaced value]@9",
            "f=[x:y=z]@10", "o=[# not a comment]@11", "s=[]@12",
        ])
        #expect(document.warnings.isEmpty)
    }

    @Test func continuationLinesJoinAndDropLeadingWhitespace() throws {
        let text = "g = first \\\n    second \\\n  third\nn = next\nr =\\\n# looks like a comment\n"
        let document = try parse(text)
        #expect(pairs(document) == ["g=[first second third]@1", "n=[next]@4", "r=[# looks like a comment]@5"])
    }

    @Test func evenBackslashesDoNotContinueAndCommentsNeverContinue() throws {
        let text = "m = two \\\\\nn = next\n# comment \\\nx = 1\n"
        let document = try parse(text)
        #expect(pairs(document) == ["m=[two \\]@1", "n=[next]@2", "x=[1]@4"])
    }

    @Test func continuationAtEndOfFileKeepsWhatThereIs() throws {
        #expect(pairs(try parse("a = b \\")) == ["a=[b]@1"])
    }

    @Test func escapesAsConfigProperties() throws {
        let text = #"""
        h = C:\path\to
        i = tab\there
        j = \u0041\u00e9
        k\ key = v
        l = trailing\ 
        p\=q = 1
        u=\ lead
        w = \x stays, \u12 stays
        """#
        let document = try parse(text)
        #expect(pairs(document) == [
            "h=[C:\\path\to]@1", "i=[tab\there]@2", "j=[Aé]@3", "k key=[v]@4",
            "l=[trailing ]@5", "p=q=[1]@6", "u=[ lead]@7", "w=[\\x stays, \\u12 stays]@8",
        ])
    }

    @Test func lineEndingsLFCRLFAndCRAndByteOrderMark() throws {
        let document = try parse("\u{FEFF}a=1\r\nb=2\rc=3\n")
        #expect(pairs(document) == ["a=[1]@1", "b=[2]@2", "c=[3]@3"])
    }

    @Test func keyFollowedOnlyByWhitespaceHasEmptyValue() throws {
        #expect(pairs(try parse("t  \n")) == ["t=[]@1"])
    }

    @Test func interpolationIsKeptForReadTime() throws {
        #expect(pairs(try parse("log.filename = ${path.log}/qvd.log")) == ["log.filename=[${path.log}/qvd.log]@1"])
    }

    @Test func keyWithoutSeparatorIsAnErrorNamingFileAndLine() {
        #expect(throws: ConfigError.syntax(path: "/etc/qvd/vma.conf", line: 3,
                                           problem: "'justakey' is not a property line: write 'key = value' ('key =' for an empty value)")) {
            try parse("x = 1\n\njustakey\ny = 2\n")
        }
        let error = ConfigError.syntax(path: "/etc/qvd/vma.conf", line: 3,
                                       problem: "'justakey' is not a property line: write 'key = value' ('key =' for an empty value)")
        #expect(error.description
            == "/etc/qvd/vma.conf:3: 'justakey' is not a property line: write 'key = value' ('key =' for an empty value)")
    }

    @Test func missingKeyIsAnError() {
        #expect(throws: ConfigError.syntax(path: "/tmp/c.conf", line: 2, problem: "'= value' has no key before the '='")) {
            try parse("# first\n  = value\n", path: "/tmp/c.conf")
        }
        #expect(throws: ConfigError.syntax(path: "/tmp/c.conf", line: 1, problem: "': value' has no key before the ':'")) {
            try parse(": value", path: "/tmp/c.conf")
        }
    }

    @Test func errorLineIsWhereTheContinuedEntryStarts() {
        #expect(throws: ConfigError.syntax(path: "/etc/qvd/vma.conf", line: 2,
                                           problem: "'novalue' is not a property line: write 'key = value' ('key =' for an empty value)")) {
            try parse("a = 1\nno\\\n  value\n")
        }
    }

    @Test func surrogateEscapeIsAnError() {
        #expect(throws: ConfigError.syntax(path: "/etc/qvd/vma.conf", line: 1,
                                           problem: "'\\uD800' is not a character (a UTF-16 surrogate); write the character itself")) {
            try parse("a = \\uD800")
        }
    }

    @Test func longLinesAreShortenedInErrors() {
        let key = String(repeating: "k", count: 70)
        #expect(throws: ConfigError.syntax(path: "/etc/qvd/vma.conf", line: 1,
                                           problem: "'\(String(repeating: "k", count: 57))...' is not a property line: write 'key = value' ('key =' for an empty value)")) {
            try parse(key)
        }
    }

    @Test func duplicateKeyWarnsAndLaterWins() throws {
        let document = try parse("a = 1\nb = 2\na = 3\n")
        #expect(document["a"] == "3")
        #expect(document.warnings.map(\.description)
            == ["/etc/qvd/vma.conf:3: 'a' is set again; this value replaces the one on line 1"])
    }

    @Test func latin1FileIsReadWithAWarning() throws {
        let bytes: [UInt8] = Array("name = caf".utf8) + [0xE9] + Array("\n".utf8)
        let document = try PropertiesParser(path: "/tmp/l1.conf", kind: .userFile).parse(bytes: bytes)
        #expect(document["name"] == "café")
        #expect(document.warnings.map(\.description) == ["/tmp/l1.conf: not valid UTF-8; read as ISO-8859-1"])
        #expect(document.entries.first?.source == ConfigSource(kind: .userFile, name: "/tmp/l1.conf", line: 1))
    }
}
