import Testing
@testable import QVDCore

@Suite struct LogConfigurationTests {
    private func config(_ text: String, table: ConfigDefaultsTable = VMAConfigDefaults.table) throws -> Configuration {
        Configuration(layers: [table.layer, try ConfigLayer.parsing(text, path: "/etc/qvd/vma.conf")], schema: table)
    }

    @Test func vmaDefaults() throws {
        let log = try LogConfiguration(try config(""))
        #expect(log == LogConfiguration(destination: .file("/var/log/qvd/qvd.log"), level: .info))
        #expect(log.filename == "/var/log/qvd/qvd.log")
    }

    @Test func levelsParseCaseInsensitively() throws {
        let cases: [(String, QVDLogLevel)] = [
            ("ALL", .all), ("trace", .all), ("Debug", .debug), ("INFO", .info), ("warn", .warn),
            ("ERROR", .error), ("fatal", .fatal), ("OFF", .off),
        ]
        for (text, level) in cases {
            #expect(try LogConfiguration(try config("log.level = \(text)\n")).level == level, "\(text)")
        }
    }

    @Test func badLevelNamesKeyValueAndLine() throws {
        #expect(throws: ConfigError.invalidValue(key: "log.level", value: "WARNING",
                                                 expected: "a log level (ALL, DEBUG, INFO, WARN, ERROR, FATAL, OFF)",
                                                 source: .file("/etc/qvd/vma.conf", line: 2))) {
            try LogConfiguration(try config("# x\nlog.level = WARNING\n"))
        }
    }

    @Test func presetsAndFileFollowingPathLog() throws {
        #expect(try LogConfiguration(try config("log.preset = stderr\n")).destination == .standardError)
        #expect(try LogConfiguration(try config("log.preset = STDOUT\n")).destination == .standardOutput)
        #expect(try LogConfiguration(try config("path.log = /tmp/q\n")).filename == "/tmp/q/qvd.log")
        #expect(throws: ConfigError.invalidValue(key: "log.preset", value: "custom",
                                                 expected: "one of file, stdout, stderr (Log4perl's 'custom' is not supported)",
                                                 source: .file("/etc/qvd/vma.conf", line: 1))) {
            try LogConfiguration(try config("log.preset = custom\n"))
        }
    }

    @Test func componentFileKeys() throws {
        let client = try config("", table: ClientConfigDefaults.table)
        let log = try LogConfiguration(client, component: "client", home: "/home/alice")
        #expect(log.filename == "/home/alice/.qvd/qvd-client.log")
        #expect(LogConfiguration.filenameKey(component: nil) == "log.filename")
        let slave = try LogConfiguration(try config(""), component: "vma-slaveserver", home: "/home/bob")
        #expect(slave.filename == "/home/bob/.qvd/qvd-vma-slaveserver.log")
    }

    @Test func withoutAnyLogKeysItStillWorks() throws {
        let bare = Configuration(layers: [try ConfigLayer.parsing("log.filename = /x.log\n", path: "/c")])
        #expect(try LogConfiguration(bare) == LogConfiguration(destination: .file("/x.log"), level: .info))
        #expect(throws: ConfigError.missingKey(key: "log.filename")) { try LogConfiguration(Configuration(layers: [])) }
    }

    @Test func levelOrderingAndFiltering() {
        #expect(QVDLogLevel.allCases.map(\.name) == ["ALL", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"])
        #expect(QVDLogLevel.info.allows(.warn))
        #expect(QVDLogLevel.info.allows(.info))
        #expect(!QVDLogLevel.info.allows(.debug))
        #expect(QVDLogLevel.all.allows(.debug))
        #expect(!QVDLogLevel.off.allows(.fatal))
        #expect(QVDLogLevel(configValue: "verbose") == nil)
    }
}
