import Logging
import QVDCore
import Testing

@Suite("QVDLogHandler")
struct QVDLogHandlerTests {
    @Test func writesOneExactLinePerEventWithLoggerAndEventMetadata() {
        let sink = InMemoryLogSink()
        var logger = LogTestFixtures.logger("vma.session", sink: sink)
        logger[metadataKey: "vm_id"] = "7"
        logger.info("x_start accepted", metadata: ["state": "starting"])
        logger.debug("polled", metadata: ["vm_id": "8"])
        #expect(sink.lines == [
            LogTestFixtures.prefix + " INFO vma.session: x_start accepted state=starting vm_id=7",
            LogTestFixtures.prefix + " DEBUG vma.session: polled vm_id=8",
        ])
    }

    @Test func metadataProviderSitsBetweenHandlerAndEventMetadata() {
        let sink = InMemoryLogSink()
        let provider = Logger.MetadataProvider { ["session": "s1", "vm_id": "from-provider"] }
        var logger = LogTestFixtures.logger("vma", sink: sink, metadataProvider: provider)
        logger[metadataKey: "vm_id"] = "from-handler"
        logger[metadataKey: "session"] = "from-handler"
        logger.notice("n", metadata: ["session": "from-event"])
        #expect(sink.lines == [LogTestFixtures.prefix + " NOTICE vma: n session=from-event vm_id=from-provider"])
    }

    @Test func warnThresholdDropsInfoAndKeepsWarnAndAbove() {
        let sink = InMemoryLogSink()
        let logger = LogTestFixtures.logger("client", sink: sink, threshold: .minimum(.warning))
        logger.trace("t")
        logger.debug("d")
        logger.info("i")
        logger.notice("n")
        logger.warning("w")
        logger.error("e")
        logger.critical("c")
        #expect(sink.lines == [
            LogTestFixtures.prefix + " WARN client: w",
            LogTestFixtures.prefix + " ERROR client: e",
            LogTestFixtures.prefix + " FATAL client: c",
        ])
    }

    @Test func offWritesNothingEvenCritical() {
        let sink = InMemoryLogSink()
        let logger = LogTestFixtures.logger("vma", sink: sink, threshold: .off)
        #expect(logger.logLevel == .critical)
        logger.critical("must not appear")
        logger.error("nor this")
        #expect(sink.lines.isEmpty)
    }

    @Test func settingLogLevelReplacesTheThreshold() {
        let sink = InMemoryLogSink()
        var logger = LogTestFixtures.logger("vma", sink: sink, threshold: .off)
        logger.logLevel = .debug
        logger.debug("now visible")
        logger.trace("still hidden")
        #expect(sink.lines == [LogTestFixtures.prefix + " DEBUG vma: now visible"])
    }

    @Test func newlinesInMessagesAndValuesStayOnOneLine() {
        let sink = InMemoryLogSink()
        let logger = LogTestFixtures.logger("vma.hooks", sink: sink)
        logger.error("hook failed:\nline two\r\n", metadata: ["output": "a\nb"])
        #expect(sink.lines == [LogTestFixtures.prefix + " ERROR vma.hooks: hook failed:\\nline two\\r\\n output=a\\nb"])
    }

    @Test func secretsAreMaskedByDefaultRedactor() {
        let sink = InMemoryLogSink()
        let logger = LogTestFixtures.logger("vma", sink: sink, redactor: LogRedactor(secrets: ["s3cr3t"]))
        logger.info("GET /vma/x_start?qvd.slave.key=abc&user=bob with s3cr3t",
                    metadata: ["login.password": "pw", "note": "contains s3cr3t twice s3cr3t"])
        #expect(sink.lines == [
            LogTestFixtures.prefix
                + #" INFO vma: GET /vma/x_start?qvd.slave.key=***&user=bob with *** login.password=*** note="contains *** twice ***""#,
        ])
    }

    @Test func withoutRedactorNothingIsMasked() {
        let sink = InMemoryLogSink()
        let logger = LogTestFixtures.logger("vma", sink: sink, redactor: nil)
        logger.info("password=visible")
        #expect(sink.lines == [LogTestFixtures.prefix + " INFO vma: password=visible"])
    }
}
