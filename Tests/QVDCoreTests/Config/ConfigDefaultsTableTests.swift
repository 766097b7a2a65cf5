import Testing
@testable import QVDCore

@Suite struct ConfigDefaultsTableTests {
    /// Tables by component name (the names keep the test log short).
    static let tables = ["qvd-vma": VMAConfigDefaults.table, "qvdclient": ClientConfigDefaults.table]

    @Test func vmaDefaultsMatchUpstream() {
        let table = VMAConfigDefaults.table
        let expected: [String: String] = [
            "internal.vm.port.vma": "3030",
            "internal.nxagent.display": "100",
            "internal.nxagent.timeout.initiating": "20",
            "internal.nxagent.timeout.listening": "10",
            "internal.nxagent.timeout.suspending": "20",
            "internal.nxagent.timeout.stopping": "20",
            "internal.vma.nxagent.tolerancechecks": "risky",
            "internal.vma.nxagent.config": "${path.run}/nxagent.conf",
            "path.run": "/var/run/qvd",
            "path.log": "/var/log/qvd",
            "path.qvd.bin": "/usr/lib/qvd/bin",
            "log.filename": "${path.log}/qvd.log",
            "log.level": "INFO",
            "vma.slave.enable": "0",
            "vma.slave.command": "${path.qvd.bin}/qvd-vma-slaveserver",
            "vma.user.shares.path": "~/Redirected",
            "vma.sshfs.extra_args": "-o idmap=user -o atomic_o_trunc",
            "vma.user.default.groups": "qvduser",
            "vma.as_group": "nogroup",
            "vma.user.umask": "0022",
            "vma.default.lang": "en_US.UTF-8",
            "vma.on_action.pre-connect": "",
            "command.xinit": "xinit",
            "command.x-session": "/etc/X11/Xsession",
            "command.open_file": "xdg-open",
            "internal.vma.systemd.cups": "'cups'",
            // Ours (issue 3).
            "vma.address": "",
            "vma.hook.timeout": "60",
            "command.poweroff": "systemctl poweroff",
            "vma.slave.export_roots": "",
        ]
        for (key, value) in expected {
            #expect(table.defaultValue(of: key) == value, "\(key)")
        }
        for key in ["vma.address", "vma.hook.timeout", "command.poweroff", "internal.nxagent.timeout.starting",
                    "internal.nxagent.timeout.provisioning", "vma.default.qvd.client.link"] {
            #expect(table[key]?.origin == .added, "\(key)")
        }
        #expect(table["vma.slave.enable"]?.origin == .upstream)
    }

    @Test func clientDefaultsMatchUpstream() {
        let table = ClientConfigDefaults.table
        let expected: [String: String?] = [
            "client.host.port": "8443",
            "client.use_ssl": "1",
            "client.link": "adsl",
            "client.geometry": "1024x768",
            "client.fullscreen": "",
            "client.slave.enable": "1",
            "client.slave.command": "${path.qvd.bin}/qvd-client-slaveserver",
            "client.file_sharing.enable": "1",
            "client.usb.usbip.port": "3240",
            "client.ssl.error_timeout": "5",
            "command.nxproxy": "/usr/bin/nxproxy",
            "client.slave.open_url": "0",
            "client.ssl.cert_file": nil,
        ]
        for (key, value) in expected {
            #expect(table[key] != nil, "\(key) is listed")
            #expect(table.defaultValue(of: key) == value, "\(key)")
        }
        #expect(table["client.slave.open_url"]?.origin == .added)
        #expect(table.isSecret("client.user.password"))
        #expect(table.isSecret("client.auto_connect.token"))
        #expect(table.isSecret("client.host.name") == false)
    }

    @Test(arguments: tables.keys.sorted())
    func everyKeyHasAOneLineDescriptionAndNoDuplicates(component: String) throws {
        let table = try #require(Self.tables[component])
        #expect(table.component == component)
        #expect(Set(table.keys.map(\.key)).count == table.keys.count)
        for definition in table.keys {
            #expect(!definition.summary.isEmpty, "\(definition.key)")
            #expect(!definition.summary.contains("\n"), "\(definition.key)")
            #expect(definition.summary.hasSuffix("."), "\(definition.key)")
        }
        for family in table.families {
            #expect(family.prefix.hasSuffix("."))
            #expect(!family.summary.isEmpty)
        }
        for variable in table.environmentVariables {
            #expect(table[variable.key] != nil, "\(variable.name) sets a listed key")
        }
    }

    @Test(arguments: tables.keys.sorted())
    func defaultsExpandAndHaveTheirDeclaredTypes(component: String) throws {
        let table = try #require(Self.tables[component])
        let config = Configuration(layers: [table.layer], schema: table)
        #expect(config.validate() == [])
        #expect(config.warnings == [])
    }

    @Test func expandedVMADefaults() throws {
        let config = Configuration(layers: [VMAConfigDefaults.table.layer], schema: VMAConfigDefaults.table)
        #expect(try config.string("log.filename") == "/var/log/qvd/qvd.log")
        #expect(try config.string("vma.slave.command") == "/usr/lib/qvd/bin/qvd-vma-slaveserver")
        #expect(try config.int("internal.vm.port.vma", in: 1...65_535) == 3030)
        #expect(try config.int("vma.user.umask", radix: 8) == 0o022)
        #expect(try config.bool("vma.slave.enable") == false)
        #expect(try config.list("vma.sshfs.extra_args", style: .shellWords) == ["-o", "idmap=user", "-o", "atomic_o_trunc"])
        #expect(try config.path("vma.user.shares.path", home: "/home/qvd") == "/home/qvd/Redirected")
    }

    @Test func validateChecksTypesFromTheSchema() throws {
        let table = VMAConfigDefaults.table
        let file = try ConfigLayer.parsing("""
        internal.vm.port.vma = 99999
        vma.slave.enable = sometimes
        vma.user.umask = 0099
        log.level = LOUD
        vma.sshfs.extra_args = -o "x
        """, path: "/etc/qvd/vma.conf")
        let errors = Configuration(layers: [table.layer, file], schema: table).validate().map(\.description)
        #expect(errors == [
            "/etc/qvd/vma.conf:1: 'internal.vm.port.vma' is '99999', which is not an integer from 1 to 65535",
            "/etc/qvd/vma.conf:4: 'log.level' is 'LOUD', which is not one of ALL, TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF",
            "/etc/qvd/vma.conf:2: 'vma.slave.enable' is 'sometimes', which is not a boolean (1/0, yes/no, true/false, on/off)",
            "/etc/qvd/vma.conf:5: 'vma.sshfs.extra_args' is '-o \"x', which is not a list of arguments (a quote is not closed, or it ends in a lone backslash)",
            "/etc/qvd/vma.conf:3: 'vma.user.umask' is '0099', which is not an octal number (digits 0-7)",
        ])
    }

    @Test func familyLookup() {
        let table = VMAConfigDefaults.table
        #expect(table.family(of: "vma.on_action.custom")?.pattern == "vma.on_action.<action>")
        #expect(table.family(of: "vma.on_action.") == nil)
        #expect(table.isKnown("vma.on_action.connect"))
        #expect(table.isKnown("client.host.name") == false)
    }
}
