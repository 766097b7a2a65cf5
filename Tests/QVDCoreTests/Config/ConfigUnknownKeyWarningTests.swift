import Testing
@testable import QVDCore

@Suite struct ConfigUnknownKeyWarningTests {
    private func warnings(_ text: String, schema: ConfigDefaultsTable = VMAConfigDefaults.table,
                          path: String = "/etc/qvd/vma.conf") throws -> [String] {
        let layer = try ConfigLayer.parsing(text, path: path)
        return Configuration(layers: [schema.layer, layer], schema: schema).warnings.map(\.description)
    }

    @Test func typoGetsASuggestion() throws {
        #expect(try warnings("vma.slave.enable = 1\n# x\nvma.slave.enabel = 1\n")
            == ["/etc/qvd/vma.conf:3: unknown key 'vma.slave.enabel' is ignored; did you mean 'vma.slave.enable'?"])
    }

    @Test func suggestionsForSeveralKindsOfMistake() throws {
        let text = """
        log.levl = DEBUG
        LOG.LEVEL = DEBUG
        internal.vm.port.vmaa = 3031
        vma.on_acton.connect = /x
        vma.hook.timeot = 5
        database.host = localhost
        x = 1
        """
        #expect(try warnings(text) == [
            "/etc/qvd/vma.conf:1: unknown key 'log.levl' is ignored; did you mean 'log.level'?",
            "/etc/qvd/vma.conf:2: unknown key 'LOG.LEVEL' is ignored; did you mean 'log.level'?",
            "/etc/qvd/vma.conf:3: unknown key 'internal.vm.port.vmaa' is ignored; did you mean 'internal.vm.port.vma'?",
            "/etc/qvd/vma.conf:4: unknown key 'vma.on_acton.connect' is ignored; did you mean 'vma.on_action.connect'?",
            "/etc/qvd/vma.conf:5: unknown key 'vma.hook.timeot' is ignored; did you mean 'vma.hook.timeout'?",
            "/etc/qvd/vma.conf:6: unknown key 'database.host' is ignored",
            "/etc/qvd/vma.conf:7: unknown key 'x' is ignored",
        ])
    }

    @Test func openFamiliesAreAccepted() throws {
        let text = """
        vma.on_action.my-own-action = /usr/local/bin/a
        vma.on_state.listening = /usr/local/bin/b
        vma.on_provisioning.before_mount = /usr/local/bin/c
        custom.department = sales
        log4perl.appender.LOGFILE = x
        """
        #expect(try warnings(text).isEmpty)
        #expect(try warnings("client.share.0 = /home/u\nclient.share.0.readonly = 1\nclient.mount.1.remote = /x\ncustom.a = b\n",
                             schema: ClientConfigDefaults.table, path: "/home/u/.qvd/client.conf").isEmpty)
    }

    @Test func prefixAloneIsNotAFamilyMember() throws {
        #expect(try warnings("custom. = 1\n") == ["/etc/qvd/vma.conf:1: unknown key 'custom.' is ignored"])
    }

    @Test func clientKeyInVMAFileAndViceVersa() throws {
        #expect(try warnings("client.slave.enable = 1\n")
            == ["/etc/qvd/vma.conf:1: unknown key 'client.slave.enable' is ignored"])
        #expect(try warnings("client.slave.open_ur1 = 1\n", schema: ClientConfigDefaults.table, path: "/etc/qvd/client.conf")
            == ["/etc/qvd/client.conf:1: unknown key 'client.slave.open_ur1' is ignored; did you mean 'client.slave.open_url'?"])
    }

    @Test func unknownCommandLineKeyWarnsToo() throws {
        let schema = VMAConfigDefaults.table
        let config = Configuration(layers: [
            schema.layer, try ConfigLayer.commandLine(assignments: ["vma.adress=::1"], option: "-o"),
        ], schema: schema)
        #expect(config.warnings.map(\.description)
            == ["command line -o: unknown key 'vma.adress' is ignored; did you mean 'vma.address'?"])
    }

    @Test func warningsAreOrderedByLineAndKeepParserWarnings() throws {
        #expect(try warnings("zzz = 1\nlog.level = INFO\nlog.level = WARN\n") == [
            "/etc/qvd/vma.conf:1: unknown key 'zzz' is ignored",
            "/etc/qvd/vma.conf:3: 'log.level' is set again; this value replaces the one on line 2",
        ])
    }

    @Test func noSchemaNoUnknownKeyWarnings() throws {
        let layer = try ConfigLayer.parsing("anything = 1\n", path: "/x.conf")
        #expect(Configuration(layers: [layer]).warnings.isEmpty)
    }

    @Test func editDistance() {
        #expect(ConfigKeySuggester.distance("abc", "abc", limit: 3) == 0)
        #expect(ConfigKeySuggester.distance("enable", "enabel", limit: 3) == 1)
        #expect(ConfigKeySuggester.distance("kitten", "sitting", limit: 3) == 3)
        #expect(ConfigKeySuggester.distance("a", "abcdefgh", limit: 3) == 4)
        #expect(ConfigKeySuggester.distance("", "ab", limit: 3) == 2)
    }
}
