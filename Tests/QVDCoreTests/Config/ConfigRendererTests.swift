import Testing
@testable import QVDCore

@Suite struct ConfigRendererTests {
    @Test func helpConfigForTheVMA() {
        let text = ConfigHelpRenderer.render(VMAConfigDefaults.table, file: VMAConfigDefaults.systemFile)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "Configuration keys of qvd-vma (/etc/qvd/vma.conf)")
        let expectedRuns: [[String]] = [
            ["  internal.vm.port.vma (integer 1-65535, default: 3030)",
             "      TCP port of the RPC server the HKD and L7R call."],
            ["  vma.address (text, default: empty, added)",
             "      Address the RPC server listens on; empty listens on every address, as upstream does."],
            ["  log.filename (path, default: ${path.log}/qvd.log)",
             "      The agent's log file."],
            ["  vma.on_action.<action>",
             "      Action hooks; the known actions are listed above."],
            ["  QVD_LOG_LEVEL -> log.level",
             "      Overrides log.level, as upstream's QVD::Log does."],
        ]
        for run in expectedRuns {
            let index = lines.firstIndex(of: run[0])
            #expect(index != nil, "\(run[0])")
            if let index { #expect(lines[index + 1] == run[1]) }
        }
        // Groups by first key part, sorted; every key appears once.
        let headings = lines.filter { $0.hasSuffix(".*") && !$0.hasPrefix(" ") }
        #expect(headings == ["command.*", "createdevice.*", "internal.*", "log.*", "path.*", "vma.*", "vma-slaveserver.*"])
        for definition in VMAConfigDefaults.table.keys {
            #expect(lines.filter { $0.hasPrefix("  \(definition.key) (") }.count == 1, "\(definition.key)")
        }
        #expect(text.hasSuffix("\n"))
    }

    @Test func helpConfigShowsKeysWithoutDefaultsAndSecrets() {
        let text = ConfigHelpRenderer.render(ClientConfigDefaults.table)
        #expect(text.contains("\n  client.ssl.cert_file (path, no default)\n      Client certificate (PEM).\n"))
        #expect(text.contains("\n  client.slave.open_url (boolean, default: 0, added)\n"))
        #expect(text.contains("\n  client.share.<N>[.readonly]\n"))
        #expect(text.contains("\n  QVDHOST -> client.host.name\n"))
    }

    @Test func checkConfigShowsEveryKeyWithItsSource() throws {
        let table = VMAConfigDefaults.table
        let file = try ConfigLayer.parsing("path.log = /srv/log\nvma.slave.enable = 1\nvma.slave.enabel = 1\n",
                                           path: "/etc/qvd/vma.conf")
        let user = ConfigLayer(kind: .userFile, name: "/root/.qvd/none.conf", entries: [], isPresent: false)
        let config = Configuration(layers: [table.layer, file, user, table.environmentLayer(["QVD_LOG_LEVEL": "DEBUG"]),
                                            .commandLine([(option: "--address", key: "vma.address", value: "127.0.0.1")])],
                                   schema: table)
        let (text, hasErrors) = ConfigCheckRenderer.render(config)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(hasErrors == false)
        #expect(lines.first == "# layers, lowest first: built-in defaults (qvd-vma); /etc/qvd/vma.conf; /root/.qvd/none.conf (not present); environment; command line")
        #expect(lines.contains("internal.vm.port.vma = 3030  (built-in default)"))
        #expect(lines.contains("log.filename = /srv/log/qvd.log  (built-in default; from ${path.log}/qvd.log)"))
        #expect(lines.contains("vma.slave.enable = 1  (/etc/qvd/vma.conf:2)"))
        #expect(lines.contains("log.level = DEBUG  (environment variable QVD_LOG_LEVEL)"))
        #expect(lines.contains("vma.address = 127.0.0.1  (command line --address)"))
        #expect(lines.contains("vma.on_action.connect =   (built-in default)"))
        #expect(lines.last == "warning: /etc/qvd/vma.conf:3: unknown key 'vma.slave.enabel' is ignored; did you mean 'vma.slave.enable'?")
        // One line per key, plus the header and the warning.
        #expect(lines.count == config.keys.count + 2)
    }

    @Test func checkConfigMasksSecretsAndReportsErrors() throws {
        let table = ClientConfigDefaults.table
        let config = Configuration(layers: [
            table.layer,
            try ConfigLayer.parsing("client.host.port = ${port}\nclient.use_ssl = maybe\n", path: "/etc/qvd/client.conf"),
            table.environmentLayer(["QVDPASSWORD": "s3cret"]),
        ], schema: table)
        let (text, hasErrors) = ConfigCheckRenderer.render(config)
        #expect(hasErrors)
        #expect(!text.contains("s3cret"))
        #expect(text.contains("\nclient.user.password = ********  (environment variable QVDPASSWORD)\n"))
        #expect(text.contains("\nclient.user.name =   (built-in default)\n"))
        #expect(text.contains("\nclient.host.port: not usable (see the errors below)\n"))
        #expect(text.contains("\nerror: /etc/qvd/client.conf:1: 'client.host.port' refers to '${port}', but 'port' is not set anywhere\n"))
        #expect(text.hasSuffix("error: /etc/qvd/client.conf:2: 'client.use_ssl' is 'maybe', which is not a boolean (1/0, yes/no, true/false, on/off)\n"))
    }
}
