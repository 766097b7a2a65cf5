import Foundation
import Logging
import QVDCore
import Testing

@Suite("LogLineFormatter")
struct LogLineFormatterTests {
    @Test func lineHasTimePidLevelComponentMessageAndSortedMetadata() {
        let line = LogTestFixtures.formatter.format(
            level: .info, label: "vma.session", message: "nxagent started",
            metadata: ["vm_id": "7", "display": "100", "b": .stringConvertible(42)])
        #expect(line == "2024-05-01T12:51:30.123Z 4242 INFO vma.session: nxagent started b=42 display=100 vm_id=7")
    }

    @Test func timestampIsUTCWithMilliseconds() {
        #expect(LogTimestamp(secondsSinceEpoch: 0, milliseconds: 7).iso8601UTC == "1970-01-01T00:00:00.007Z")
        #expect(LogTimestamp(secondsSinceEpoch: -1, milliseconds: 999).iso8601UTC == "1969-12-31T23:59:59.999Z")
        #expect(LogTimestamp(secondsSinceEpoch: 951_782_400, milliseconds: 0).iso8601UTC == "2000-02-29T00:00:00.000Z")
    }

    @Test func nowIsCloseToTheSystemClock() {
        let before = Int64(time(nil))
        let now = LogTimestamp.now()
        #expect(now.secondsSinceEpoch >= before && now.secondsSinceEpoch <= before + 2)
        #expect((0...999).contains(now.milliseconds))
    }

    @Test func levelNamesFollowLog4perl() {
        let names = Logger.Level.allCases.map(LogLineFormatter.levelName)
        #expect(names == ["TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "ERROR", "FATAL"])
    }

    @Test func controlCharactersAreEscapedSoAnEventIsOneLine() {
        #expect(LogLineFormatter.escape("a\nb\r\tc\\d\u{0}\u{1B}[31m\u{7F}") == "a\\nb\\r\\tc\\\\d\\x00\\x1B[31m\\x7F")
        #expect(LogLineFormatter.escape("x\u{85}y\u{2028}z\u{2029}") == "x\\u{0085}y\\u{2028}z\\u{2029}")
        #expect(LogLineFormatter.escape("café 😀 plain") == "café 😀 plain")
    }

    @Test func valuesWithSpacesQuotesOrNothingAreQuoted() {
        let line = LogTestFixtures.formatter.format(
            level: .warning, label: "vma", message: "m",
            metadata: ["argv": "/bin/hook a b", "empty": "", "q": "say \"hi\"", "multi": "l1\nl2"])
        #expect(line == #"2024-05-01T12:51:30.123Z 4242 WARN vma: m argv="/bin/hook a b" empty="" multi=l1\nl2 q="say \"hi\"""#)
    }

    @Test func nestedMetadataIsFlattenedInStableOrder() {
        let line = LogTestFixtures.formatter.format(
            level: .error, label: "", message: "x",
            metadata: ["list": ["a", "b"], "dict": ["z": "1", "a": ["q", "r"]]])
        #expect(line == "2024-05-01T12:51:30.123Z 4242 ERROR -: x dict={a=[q,r],z=1} list=[a,b]")
    }
}
