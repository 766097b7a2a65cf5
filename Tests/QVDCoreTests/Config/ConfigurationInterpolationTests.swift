import Testing
@testable import QVDCore

@Suite struct ConfigurationInterpolationTests {
    private func layer(_ text: String, _ path: String = "/etc/qvd/vma.conf",
                       kind: ConfigLayerKind = .systemFile) throws -> ConfigLayer {
        try ConfigLayer.parsing(text, path: path, kind: kind)
    }

    private let defaults = ConfigLayer(kind: .defaults, name: "qvd-vma", entries: [
        ConfigEntry(key: "path.log", value: "/var/log/qvd", source: .defaults("qvd-vma")),
        ConfigEntry(key: "path.run", value: "/var/run/qvd", source: .defaults("qvd-vma")),
        ConfigEntry(key: "log.filename", value: "${path.log}/qvd.log", source: .defaults("qvd-vma")),
        ConfigEntry(key: "internal.vma.nxagent.config", value: "${path.run}/nxagent.conf", source: .defaults("qvd-vma")),
    ])

    @Test func defaultFollowsAKeyOverriddenInAHigherLayer() throws {
        let config = Configuration(layers: [defaults, try layer("path.log = /srv/logs\n")])
        let value = try #require(try config.value("log.filename"))
        #expect(value.value == "/srv/logs/qvd.log")
        #expect(value.raw == "${path.log}/qvd.log")
        #expect(value.source == .defaults("qvd-vma"))
        #expect(value.references == [ConfigEntry(key: "path.log", value: "/srv/logs",
                                                 source: .file("/etc/qvd/vma.conf", line: 1))])
        #expect(try config.string("internal.vma.nxagent.config") == "/var/run/qvd/nxagent.conf")
    }

    @Test func nestedReferencesAcrossAllLayers() throws {
        let system = try layer("base = /opt/qvd\nbin = ${base}/bin\n")
        let user = try layer("tool = ${bin}/${name}-${version}\n", "/home/u/.qvd/client.conf", kind: .userFile)
        let environment = ConfigLayer.environment(["QVD_NAME": "sshfs"],
                                                  variables: [ConfigEnvironmentVariable(name: "QVD_NAME", key: "name", summary: "")])
        let commandLine = ConfigLayer.commandLine([(option: "--version", key: "version", value: "3")])
        let config = Configuration(layers: [commandLine, environment, user, system])
        let value = try #require(try config.value("tool"))
        #expect(value.value == "/opt/qvd/bin/sshfs-3")
        #expect(value.source == ConfigSource(kind: .userFile, name: "/home/u/.qvd/client.conf", line: 1))
        #expect(value.references.map(\.key) == ["bin", "base", "name", "version"])
    }

    @Test func dollarWithoutBraceAndRepeatedReferencesAreFine() throws {
        let config = Configuration(layers: [try layer("a = x\nb = $a ${a}${a} $ {a} 100$\n")])
        #expect(try config.string("b") == "$a xx $ {a} 100$")
    }

    @Test func missingReferenceNamesTheKeyAndWhereItIsReferenced() throws {
        let config = Configuration(layers: [defaults, try layer("# x\nlog.filename = ${path.logs}/qvd.log\n")])
        #expect(throws: ConfigError.missingReference(reference: "path.logs", key: "log.filename",
                                                     source: .file("/etc/qvd/vma.conf", line: 2))) {
            try config.string("log.filename")
        }
        let error = ConfigError.missingReference(reference: "path.logs", key: "log.filename",
                                                 source: .file("/etc/qvd/vma.conf", line: 2))
        #expect(error.description
            == "/etc/qvd/vma.conf:2: 'log.filename' refers to '${path.logs}', but 'path.logs' is not set anywhere")
    }

    @Test func missingReferenceDeepInAChainNamesTheInnerKey() throws {
        let config = Configuration(layers: [try layer("a = ${b}\nb = x${c}\n")])
        #expect(throws: ConfigError.missingReference(reference: "c", key: "b", source: .file("/etc/qvd/vma.conf", line: 2))) {
            try config.string("a")
        }
    }

    @Test func cycleErrorNamesTheChain() throws {
        let config = Configuration(layers: [try layer("a = ${b}/x\nb = ${a}\nc = ${a}\n")])
        let expected = ConfigError.interpolationCycle(chain: ["a", "b", "a"], sources: [
            .file("/etc/qvd/vma.conf", line: 1), .file("/etc/qvd/vma.conf", line: 2),
        ])
        #expect(throws: expected) { try config.string("a") }
        #expect(throws: expected) { try config.string("c") }
        #expect(expected.description
            == "/etc/qvd/vma.conf:1: interpolation cycle a -> b -> a; change one of: a at /etc/qvd/vma.conf:1, b at /etc/qvd/vma.conf:2")
        #expect(throws: ConfigError.interpolationCycle(chain: ["b", "a", "b"], sources: [
            .file("/etc/qvd/vma.conf", line: 2), .file("/etc/qvd/vma.conf", line: 1),
        ])) { try config.string("b") }
    }

    @Test func selfReferenceIsACycle() throws {
        let config = Configuration(layers: [try layer("path.run = ${path.run}/x\n")])
        #expect(throws: ConfigError.interpolationCycle(chain: ["path.run", "path.run"],
                                                       sources: [.file("/etc/qvd/vma.conf", line: 1)])) {
            try config.string("path.run")
        }
    }

    @Test func cycleAcrossLayers() throws {
        let config = Configuration(layers: [
            try layer("a = ${b}\n"),
            ConfigLayer.commandLine([(option: "-o", key: "b", value: "${a}")]),
        ])
        #expect(throws: ConfigError.interpolationCycle(chain: ["a", "b", "a"],
                                                       sources: [.file("/etc/qvd/vma.conf", line: 1), .commandLine("-o")])) {
            try config.string("a")
        }
    }

    @Test func malformedReferences() throws {
        let config = Configuration(layers: [try layer("a = ${path.run\nb = x${}y\n")])
        let unclosed = ConfigError.malformedReference(key: "a", value: "${path.run", problem: "has a '${' without a closing '}'",
                                                      source: .file("/etc/qvd/vma.conf", line: 1))
        #expect(throws: unclosed) { try config.string("a") }
        #expect(unclosed.description == "/etc/qvd/vma.conf:1: value of 'a' ('${path.run') has a '${' without a closing '}'")
        #expect(throws: ConfigError.malformedReference(key: "b", value: "x${}y", problem: "has an empty reference '${}'",
                                                       source: .file("/etc/qvd/vma.conf", line: 2))) {
            try config.string("b")
        }
    }

    @Test func validateReportsEachProblemOnce() throws {
        let config = Configuration(layers: [try layer("a = ${b}\nb = ${a}\nc = ${missing}\nd = ${c}\nok = 1\n")])
        let errors = config.validate()
        #expect(errors == [
            .interpolationCycle(chain: ["a", "b", "a"], sources: [.file("/etc/qvd/vma.conf", line: 1), .file("/etc/qvd/vma.conf", line: 2)]),
            .missingReference(reference: "missing", key: "c", source: .file("/etc/qvd/vma.conf", line: 3)),
        ])
    }
}
