import Testing
@testable import QVDCore

@Suite struct LineSplitterTests {
    private func split(_ chunks: [[UInt8]], maxLineLength: Int = 1 << 20) -> [String] {
        var splitter = LineSplitter(maxLineLength: maxLineLength)
        var lines: [String] = []
        for chunk in chunks {
            splitter.feed(chunk) { lines.append($0) }
        }
        splitter.finish { lines.append($0) }
        return lines
    }

    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func splitsOnNewlineAndKeepsPartialLastLine() {
        #expect(split([bytes("a\nbb\nccc")]) == ["a", "bb", "ccc"])
    }

    @Test func terminatedInputHasNoTrailingEmptyLine() {
        #expect(split([bytes("a\nb\n")]) == ["a", "b"])
    }

    @Test func emptyLinesAreKept() {
        #expect(split([bytes("\n\nx\n\n")]) == ["", "", "x", ""])
    }

    @Test func stripsCarriageReturnOnlyBeforeNewline() {
        #expect(split([bytes("a\r\nb\rc\n\r")]) == ["a", "b\rc", "\r"])
    }

    @Test func byteByByteFeedingGivesTheSameLines() {
        let text = bytes("first line\nsecond\r\nthird")
        #expect(split(text.map { [$0] }) == ["first line", "second", "third"])
    }

    @Test func lineSplitAcrossChunks() {
        #expect(split([bytes("hel"), bytes("lo\nwor"), bytes("ld\n")]) == ["hello", "world"])
    }

    @Test func overlongLinesAreCutIntoPiecesWithoutLosingBytes() {
        #expect(split([bytes("abcdefg\nxy\n")], maxLineLength: 3) == ["abc", "def", "g", "xy"])
        #expect(split([bytes("abcdef\n")], maxLineLength: 3) == ["abc", "def"])
        #expect(split([bytes("abc\n")], maxLineLength: 3) == ["abc"])
        #expect(split([bytes("ab"), bytes("cd"), bytes("\n")], maxLineLength: 3) == ["abc", "d"])
        #expect(split([bytes("abc")], maxLineLength: 3) == ["abc"])
    }

    @Test func invalidUTF8IsRepairedNotDropped() {
        #expect(split([[0x61, 0xFF, 0x62, 0x0A]]) == ["a\u{FFFD}b"])
    }

    @Test func multiByteCharacterSplitAcrossChunks() {
        let euro = bytes("€\n")  // E2 82 AC 0A
        #expect(split([Array(euro[0..<1]), Array(euro[1...])]) == ["€"])
    }

    @Test func nothingFedGivesNoLines() {
        #expect(split([]) == [])
        #expect(split([[]]) == [])
    }
}
