import Testing
@testable import QVDCore

@Suite struct ConfigurationTypedGetterTests {
    private let path = "/etc/qvd/vma.conf"

    private func config(_ text: String) throws -> Configuration {
        Configuration(layers: [try ConfigLayer.parsing(text, path: path)])
    }

    @Test func booleansInEveryAcceptedSpelling() throws {
        let config = try config("""
        t1 = 1
        t2 = yes
        t3 = TRUE
        t4 = On
        f1 = 0
        f2 = no
        f3 = False
        f4 = OFF
        f5 =
        """)
        for key in ["t1", "t2", "t3", "t4"] { #expect(try config.bool(key) == true) }
        for key in ["f1", "f2", "f3", "f4", "f5"] { #expect(try config.bool(key) == false) }
        #expect(try config.optionalBool("absent") == nil)
    }

    @Test func badBooleanNamesKeyValueAndSource() throws {
        let config = try config("# x\nvma.slave.enable = enabled\n")
        let expected = ConfigError.invalidValue(key: "vma.slave.enable", value: "enabled",
                                                expected: "a boolean (1/0, yes/no, true/false, on/off)",
                                                source: .file(path, line: 2))
        #expect(throws: expected) { try config.bool("vma.slave.enable") }
        #expect(throws: expected) { try config.optionalBool("vma.slave.enable") }
        #expect(expected.description
            == "/etc/qvd/vma.conf:2: 'vma.slave.enable' is 'enabled', which is not a boolean (1/0, yes/no, true/false, on/off)")
    }

    @Test func integersWithRangeAndRadix() throws {
        let config = try config("port = 3030\nneg = -5\nplus = +7\numask = 0022\nbig = 70000\nword = 30s\nempty =\nmode = 0089\n")
        #expect(try config.int("port", in: 1...65_535) == 3030)
        #expect(try config.int("neg") == -5)
        #expect(try config.int("plus") == 7)
        #expect(try config.int("umask", radix: 8) == 0o22)
        #expect(try config.optionalInt("absent") == nil)
        #expect(throws: ConfigError.invalidValue(key: "big", value: "70000", expected: "an integer from 1 to 65535",
                                                 source: .file(path, line: 5))) {
            try config.int("big", in: 1...65_535)
        }
        #expect(throws: ConfigError.invalidValue(key: "word", value: "30s", expected: "an integer",
                                                 source: .file(path, line: 6))) {
            try config.int("word")
        }
        #expect(throws: ConfigError.invalidValue(key: "empty", value: "", expected: "an integer",
                                                 source: .file(path, line: 7))) {
            try config.int("empty")
        }
        #expect(throws: ConfigError.invalidValue(key: "mode", value: "0089", expected: "an octal number (digits 0-7)",
                                                 source: .file(path, line: 8))) {
            try config.int("mode", radix: 8)
        }
    }

    @Test func integerErrorAfterInterpolationShowsTheExpandedValue() throws {
        let config = try config("base = 40\nport = ${base}x\n")
        #expect(throws: ConfigError.invalidValue(key: "port", value: "40x", expected: "an integer",
                                                 source: .file(path, line: 2))) {
            try config.int("port")
        }
    }

    @Test func doubles() throws {
        let config = try config("a = 2.5\nb = -1e3\nc = nan\nd = 0x10\ne = 7\n")
        #expect(try config.double("a") == 2.5)
        #expect(try config.double("b") == -1000)
        #expect(try config.double("e", in: 0...10) == 7)
        #expect(throws: ConfigError.invalidValue(key: "c", value: "nan", expected: "a number", source: .file(path, line: 3))) {
            try config.double("c")
        }
        #expect(throws: ConfigError.invalidValue(key: "d", value: "0x10", expected: "a number", source: .file(path, line: 4))) {
            try config.double("d")
        }
        #expect(throws: ConfigError.invalidValue(key: "a", value: "2.5", expected: "a number from 3 to 4.5",
                                                 source: .file(path, line: 1))) {
            try config.double("a", in: 3...4.5)
        }
    }

    @Test func lists() throws {
        // Shell-style text is given through the command line: in a file, Config::Properties
        // escapes would already have turned \" into " and \  into a space.
        let file = try ConfigLayer.parsing("""
        groups = qvduser, audio,video
        roots = /srv, /data  /mnt
        usb = 0441:0012, 1234:5678@12345678 ,
        empty =
        """, path: path)
        let commandLine = ConfigLayer.commandLine([
            (option: "-o", key: "args", value: #"-o idmap=user -o 'allow other' "a \"b\"" c\ d"#),
            (option: "-o", key: "broken", value: "-o 'unclosed"),
        ])
        let config = Configuration(layers: [file, commandLine])
        #expect(try config.list("groups", style: .commas) == ["qvduser", "audio", "video"])
        #expect(try config.list("roots") == ["/srv", "/data", "/mnt"])
        #expect(try config.list("usb", style: .commas) == ["0441:0012", "1234:5678@12345678"])
        #expect(try config.list("args", style: .whitespace)
            == ["-o", "idmap=user", "-o", "'allow", "other'", "\"a", #"\"b\"""#, "c\\", "d"])
        #expect(try config.list("args", style: .shellWords) == ["-o", "idmap=user", "-o", "allow other", "a \"b\"", "c d"])
        #expect(try config.list("empty", style: .shellWords) == [])
        #expect(try config.optionalList("absent") == nil)
        #expect(throws: ConfigError.invalidValue(
            key: "broken", value: "-o 'unclosed",
            expected: "a list of arguments (a quote is not closed, or it ends in a lone backslash)",
            source: .commandLine("-o"))) {
            try config.list("broken", style: .shellWords)
        }
    }

    @Test func escapedQuotesInAFileReachShellWordsUnescaped() throws {
        // What an admin writes in vma.conf to pass one sshfs option containing a space.
        let config = try config(#"vma.sshfs.extra_args = -o 'volname=My Files' -o \\"x\\""#)
        #expect(try config.string("vma.sshfs.extra_args") == #"-o 'volname=My Files' -o \"x\""#)
        #expect(try config.list("vma.sshfs.extra_args", style: .shellWords) == ["-o", "volname=My Files", "-o", "\"x\""])
    }

    @Test func paths() throws {
        let config = try config("shares = ~/Redirected\nhome = ~\nrel = certs\nabs = /var/run/qvd/\nempty =\nother = ~bob/x\nroot = /\n")
        #expect(try config.path("shares", home: "/home/alice") == "/home/alice/Redirected")
        #expect(try config.path("home", home: "/home/alice/") == "/home/alice")
        #expect(try config.path("rel", relativeTo: "/home/alice/.qvd") == "/home/alice/.qvd/certs")
        #expect(try config.path("rel") == "certs")
        #expect(try config.path("abs", relativeTo: "/ignored") == "/var/run/qvd")
        #expect(try config.path("root") == "/")
        #expect(try config.optionalPath("empty") == nil)
        #expect(try config.optionalPath("absent") == nil)
        #expect(throws: ConfigError.invalidValue(key: "empty", value: "", expected: "a path (it is empty)",
                                                 source: .file(path, line: 5))) {
            try config.path("empty")
        }
        #expect(throws: ConfigError.invalidValue(key: "shares", value: "~/Redirected",
                                                 expected: "a usable path here: it starts with '~' but no home directory is known",
                                                 source: .file(path, line: 1))) {
            try config.path("shares")
        }
        #expect(throws: ConfigError.invalidValue(key: "other", value: "~bob/x",
                                                 expected: "a supported path: only '~/' (the user's own home) may start a path",
                                                 source: .file(path, line: 6))) {
            try config.path("other", home: "/home/alice")
        }
    }

    @Test func choiceAndTyped() throws {
        let config = try config("mode = Ask\nlevel = chatty\n")
        #expect(try config.choice("mode", from: ["ask", "continue", "abort"]) == "ask")
        #expect(throws: ConfigError.invalidValue(key: "level", value: "chatty", expected: "one of ask, continue, abort",
                                                 source: .file(path, line: 2))) {
            try config.choice("level", from: ["ask", "continue", "abort"])
        }
        #expect(try config.typed("mode", expected: "x") { $0.count } == 3)
    }

    @Test func missingKeyError() throws {
        let config = try config("a = 1\n")
        #expect(throws: ConfigError.missingKey(key: "vma.user.home.path")) { try config.string("vma.user.home.path") }
        #expect(throws: ConfigError.missingKey(key: "b")) { try config.bool("b") }
        #expect(try config.optionalString("b") == nil)
        #expect(ConfigError.missingKey(key: "b").description
            == "configuration key 'b' is not set and has no built-in default; set it in the configuration file")
    }
}
