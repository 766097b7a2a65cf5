import Testing
@testable import QVDCore

@Suite struct ConfigurationPrecedenceTests {
    private func allLayers() throws -> [ConfigLayer] {
        [
            ConfigLayer(kind: .defaults, name: "qvd-vma",
                        entries: [ConfigEntry(key: "log.level", value: "INFO", source: .defaults("qvd-vma"))]),
            try ConfigLayer.parsing("# system\nlog.level = WARN\n", path: "/etc/qvd/client.conf", kind: .systemFile),
            try ConfigLayer.parsing("log.level: ERROR\n", path: "/home/u/.qvd/client.conf", kind: .userFile),
            ConfigLayer.environment(["QVD_LOG_LEVEL": " DEBUG ", "UNRELATED": "x"],
                                    variables: [ConfigEnvironmentVariable(name: "QVD_LOG_LEVEL", key: "log.level", summary: "")]),
            try ConfigLayer.commandLine(assignments: ["log.level=FATAL"], option: "-o"),
        ]
    }

    @Test func eachRemovalRevealsTheNextLayer() throws {
        var layers = try allLayers()
        let expected: [(String, ConfigSource)] = [
            ("FATAL", .commandLine("-o")),
            ("DEBUG", .environment("QVD_LOG_LEVEL")),
            ("ERROR", ConfigSource(kind: .userFile, name: "/home/u/.qvd/client.conf", line: 1)),
            ("WARN", .file("/etc/qvd/client.conf", line: 2)),
            ("INFO", .defaults("qvd-vma")),
        ]
        for (value, source) in expected {
            // Shuffled order: precedence comes from the kind, not the position.
            let config = Configuration(layers: layers.reversed())
            let resolved = try #require(try config.value("log.level"))
            #expect(resolved.value == value)
            #expect(resolved.source == source)
            layers.removeLast()
        }
        #expect(Configuration(layers: layers).contains("log.level") == false)
    }

    @Test func historyListsEverySettingLowestFirst() throws {
        let config = Configuration(layers: try allLayers())
        #expect(config.history(of: "log.level").map(\.value) == ["INFO", "WARN", "ERROR", "DEBUG", "FATAL"])
        #expect(config.history(of: "log.level").map(\.source.description) == [
            "built-in default", "/etc/qvd/client.conf:2", "/home/u/.qvd/client.conf:1",
            "environment variable QVD_LOG_LEVEL", "command line -o",
        ])
    }

    @Test func layersOfTheSameKindKeepTheirOrder() throws {
        let first = try ConfigLayer.parsing("a = 1\n", path: "/etc/a.conf")
        let second = try ConfigLayer.parsing("a = 2\n", path: "/etc/b.conf")
        #expect(try Configuration(layers: [first, second]).string("a") == "2")
        #expect(try Configuration(layers: [second, first]).string("a") == "1")
    }

    @Test func emptyValueOverridesALowerLayer() throws {
        let config = Configuration(layers: [
            ConfigLayer(kind: .defaults, name: "x", entries: [ConfigEntry(key: "k", value: "v", source: .defaults("x"))]),
            try ConfigLayer.parsing("k =\n", path: "/etc/x.conf"),
        ])
        #expect(try config.string("k") == "")
        #expect(config.entry("k")?.source == .file("/etc/x.conf", line: 1))
    }

    @Test func laterEnvironmentVariableForTheSameKeyWins() {
        let variables = [
            ConfigEnvironmentVariable(name: "QVDBEARERTOKEN", key: "client.auto_connect.token", summary: ""),
            ConfigEnvironmentVariable(name: "QVDBEARER", key: "client.auto_connect.token", summary: ""),
        ]
        let layer = ConfigLayer.environment(["QVDBEARER": "b", "QVDBEARERTOKEN": "t"], variables: variables)
        #expect(layer["client.auto_connect.token"] == ConfigEntry(key: "client.auto_connect.token", value: "b",
                                                                  source: .environment("QVDBEARER")))
    }

    @Test func emptyEnvironmentVariableCountsAsUnset() {
        let layer = ConfigLayer.environment(["QVD_LOG_LEVEL": "  "],
                                            variables: [ConfigEnvironmentVariable(name: "QVD_LOG_LEVEL", key: "log.level", summary: "")])
        #expect(layer.entries.isEmpty)
    }

    @Test func commandLineAssignments() throws {
        let layer = try ConfigLayer.commandLine(assignments: [" a = 1 ", "b=x=y", "c="], option: "-o")
        #expect(layer.entries.map { "\($0.key)|\($0.value)" } == ["a|1", "b|x=y", "c|"])
        #expect(throws: ConfigError.badSetting(argument: "novalue", option: "-o", problem: "expected key=value")) {
            try ConfigLayer.commandLine(assignments: ["novalue"], option: "-o")
        }
        #expect(throws: ConfigError.badSetting(argument: "=1", option: "--set", problem: "the key before '=' is empty")) {
            try ConfigLayer.commandLine(assignments: ["=1"], option: "--set")
        }
        #expect(ConfigError.badSetting(argument: "novalue", option: "-o", problem: "expected key=value").description
            == "command line -o 'novalue': expected key=value")
    }

    @Test func setReplacesAValueInALayer() throws {
        var layer = ConfigLayer.commandLine([])
        layer.set("vma.address", to: "127.0.0.1", source: .commandLine("--address"))
        layer.set("vma.address", to: "::1", source: .commandLine("--address"))
        #expect(layer["vma.address"]?.value == "::1")
        #expect(layer.keys == ["vma.address"])
    }

    @Test func keysWithPrefixSortNumbersNumerically() throws {
        let config = Configuration(layers: [try ConfigLayer.parsing(
            "client.share.10 = /c\nclient.share.2 = /b\nclient.share.1 = /a\nclient.share.2.readonly = 1\nclient.sharex = 0\n",
            path: "/home/u/.qvd/client.conf", kind: .userFile)])
        #expect(config.keys(withPrefix: "client.share.")
            == ["client.share.1", "client.share.2", "client.share.2.readonly", "client.share.10"])
    }
}
