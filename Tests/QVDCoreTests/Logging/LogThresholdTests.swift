import Logging
import QVDCore
import Testing

@Suite("LogThreshold")
struct LogThresholdTests {
    @Test(arguments: [
        ("ALL", LogThreshold.minimum(.trace)), ("TRACE", .minimum(.trace)), ("DEBUG", .minimum(.debug)),
        ("INFO", .minimum(.info)), ("WARN", .minimum(.warning)), ("ERROR", .minimum(.error)),
        ("FATAL", .minimum(.critical)), ("OFF", .off), (" warn ", .minimum(.warning)), ("off", .off),
    ])
    func upstreamNamesMapToSwiftLog(name: String, expected: LogThreshold) {
        #expect(LogThreshold(upstreamName: name) == expected)
    }

    @Test func unknownNamesAreRejectedWithTheAcceptedList() throws {
        #expect(LogThreshold(upstreamName: "VERBOSE") == nil)
        #expect(LogThreshold(upstreamName: "WARNING") == nil)
        #expect(LogThreshold(upstreamName: "") == nil)
        let error = #expect(throws: LogSetupError.self) { try QVDLogging.threshold(forUpstreamName: "LOUD") }
        #expect(error == .unknownLevelName("LOUD"))
        #expect(error?.description == "unknown log.level 'LOUD': use one of ALL, DEBUG, INFO, WARN, ERROR, FATAL, OFF")
    }

    @Test func nameFunctionsForTheConfigurationLayer() {
        #expect(QVDLogging.swiftLogLevel(forUpstreamName: "ALL") == .trace)
        #expect(QVDLogging.swiftLogLevel(forUpstreamName: "FATAL") == .critical)
        #expect(QVDLogging.swiftLogLevel(forUpstreamName: "OFF") == nil)
        #expect(QVDLogging.isOff(upstreamName: "OFF"))
        #expect(!QVDLogging.isOff(upstreamName: "INFO"))
        #expect(!QVDLogging.isOff(upstreamName: "nonsense"))
    }

    @Test func admitsAndNames() {
        #expect(LogThreshold.minimum(.warning).admits(.error))
        #expect(LogThreshold.minimum(.warning).admits(.warning))
        #expect(!LogThreshold.minimum(.warning).admits(.info))
        #expect(!LogThreshold.off.admits(.critical))
        #expect(LogThreshold.off.swiftLogLevel == nil)
        #expect(LogThreshold.minimum(.trace).upstreamName == "ALL")
        #expect(LogThreshold.minimum(.critical).upstreamName == "FATAL")
        #expect(LogThreshold.minimum(.warning).description == "WARN")
    }
}
