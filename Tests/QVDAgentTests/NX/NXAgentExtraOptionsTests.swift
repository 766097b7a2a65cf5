import Testing
@testable import QVDAgent

@Suite("NXAgentExtraOptions")
struct NXAgentExtraOptionsTests {
    @Test("allowed options pass in order, blanks and empty items are dropped")
    func allowed() throws {
        let options = try NXAgentExtraOptions(parsing: " clipboard=client ,, resize=0,keyconv=off,tile=64x64,data=9,limit=512k,pack=16m-jpeg-9,sleep=0 ")
        #expect(options.renderedOptions == ["clipboard=client", "resize=0", "keyconv=off", "tile=64x64", "data=9",
                                            "limit=512k", "pack=16m-jpeg-9", "sleep=0"])
        #expect(try NXAgentExtraOptions(parsing: "").items.isEmpty)
        #expect(try NXAgentExtraOptions(parsing: " , ").items.isEmpty)
    }

    @Test("the allow-list is exactly the documented one")
    func allowList() {
        #expect(NXAgentExtraOptions.allowedOptionNames == [
            "autodpi", "autograb", "backingstore", "clipboard", "composite", "copysize", "data", "defer", "keyconv",
            "limit", "magicpixel", "menu", "pack", "resize", "shmem", "shpix", "sleep", "stream", "strict", "tile", "xinerama",
        ])
    }

    @Test("dangerous or VM-controlled options are refused with their reason", arguments: [
        ("listen=4200", "listen", "it would change where nxagent listens or connects"),
        ("accept=10.0.0.1", "accept", "it would change where nxagent listens or connects"),
        ("connect=evil:1", "connect", "it would change where nxagent listens or connects"),
        ("kill=1", "kill", "it would make nxagent signal arbitrary processes"),
        ("options=/etc/shadow", "options", "it names a file or storage on the VM"),
        ("errors=/root/.bashrc", "errors", "it names a file or storage on the VM"),
        ("shadow=:0", "shadow", "it would attach the session to another display"),
        ("slave=1", "slave", "it is decided by the VM's configuration, not by the client"),
        ("media=1", "media", "it is decided by the VM's configuration, not by the client"),
        ("cups=631", "cups", "it is decided by the VM's configuration, not by the client"),
        ("tolerancechecks=bypass", "tolerancechecks", "it is decided by the VM's configuration, not by the client"),
        ("link=lan", "link", "it is set from its own qvd.client.* parameter, which is validated"),
        ("geometry=1x1", "geometry", "it is set from its own qvd.client.* parameter, which is validated"),
        ("cookie=abc", "cookie", "it carries authentication material"),
        ("rootless=1", "rootless", "it would change the kind of session the VMA manages"),
        ("core=1", "core", "core dumps could leak session data"),
        ("frobnicate=1", "frobnicate", "it is not on the allow-list"),
    ])
    func refused(raw: String, name: String, reason: String) {
        #expect(throws: NXAgentOptionsError.extraOptionNotAllowed(name: name, reason: reason)) {
            try NXAgentExtraOptions(parsing: "clipboard=both," + raw)
        }
    }

    @Test("items that are not name=value are refused", arguments: [
        "-nocomposite", "clipboard", "=both", "clip board=both", "clipboard:both", "Ã=1", "a\nb=1",
    ])
    func malformed(item: String) {
        #expect(throws: NXAgentOptionsError.malformedExtraOption(item: item)) {
            try NXAgentExtraOptions(parsing: item)
        }
    }

    @Test("allowed options with bad values are refused", arguments: [
        ("clipboard", "all"), ("resize", "2"), ("defer", "3"), ("tile", "16x16"), ("tile", "64x64x64"),
        ("data", "10"), ("sleep", "-1"), ("limit", "fast"), ("pack", "16M-JPEG"), ("pack", "a=b"), ("keyconv", "on:1"),
        ("copysize", "99999999999"),
    ])
    func badValue(name: String, value: String) throws {
        let rule = try #require(NXAgentExtraOptions.rules[name])
        #expect(throws: NXAgentOptionsError.invalidExtraOptionValue(name: name, value: value, expected: rule.expected)) {
            try NXAgentExtraOptions(parsing: "\(name)=\(value)")
        }
    }

    @Test("the refusal message lists the allowed options")
    func refusalMessage() {
        let error = NXAgentOptionsError.extraOptionNotAllowed(name: "kill", reason: "it would make nxagent signal arbitrary processes")
        #expect(error.description == "nxagent option \"kill\" in parameter qvd.client.nxagent.extra_args is not allowed: it would make nxagent signal arbitrary processes; allowed options: autodpi, autograb, backingstore, clipboard, composite, copysize, data, defer, keyconv, limit, magicpixel, menu, pack, resize, shmem, shpix, sleep, stream, strict, tile, xinerama")
    }
}
