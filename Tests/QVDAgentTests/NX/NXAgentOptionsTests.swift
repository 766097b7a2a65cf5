import Testing
@testable import QVDAgent

@Suite("NXAgentOptions")
struct NXAgentOptionsTests {
    let recording = NXAgentOptionsConfiguration()   // display 100, tolerancechecks risky, no audio/slave/printing

    /// The vma_transcript.py normalisation of an options file (`norm_nx_options`): options sorted.
    static func normalised(_ contents: String) -> String {
        var line = Substring(contents)
        if line.last == "\n" { line = line.dropLast() }
        guard line.hasPrefix("nx/nx,"), let colon = line.lastIndex(of: ":") else { return String(line) }
        let options = line[line.index(line.startIndex, offsetBy: 6)..<colon].split(separator: ",").map(String.init).sorted()
        return "nx/nx,{\(options.joined(separator: ","))}\(line[colon...])   (option order normalised)"
    }

    @Test("fresh start with the recording's parameters gives the transcript's file (S36)")
    func freshStart() throws {
        let options = try NXAgentOptions(parameters: SessionTestHarness.freshParameters.dictionary, configuration: recording)
        #expect(options.fileContents == "nx/nx,keyboard=pc105/us,client=linux,link=lan,geometry=1024x768,fullscreen=0,tolerancechecks=risky:100\n")
        #expect(Self.normalised(options.fileContents)
            == "nx/nx,{client=linux,fullscreen=0,geometry=1024x768,keyboard=pc105/us,link=lan,tolerancechecks=risky}:100   (option order normalised)")
    }

    @Test("resume with changed geometry, link, keyboard and fullscreen gives the transcript's file (S44, S46)")
    func resume() throws {
        let options = try NXAgentOptions(parameters: SessionTestHarness.resumeParameters.dictionary, configuration: recording)
        #expect(options.fileContents == "nx/nx,keyboard=pc105/es,client=linux,link=adsl,geometry=1280x800,fullscreen=1,tolerancechecks=risky:100\n")
        #expect(Self.normalised(options.fileContents)
            == "nx/nx,{client=linux,fullscreen=1,geometry=1280x800,keyboard=pc105/es,link=adsl,tolerancechecks=risky}:100   (option order normalised)")
    }

    @Test("audio, slave, printing (cups), extra options and another display")
    func everything() throws {
        let configuration = NXAgentOptionsConfiguration(display: 7, audioEnabled: true, slaveEnabled: true,
                                                        printingEnabled: true, toleranceChecks: "safe")
        let parameters = [
            "qvd.client.keyboard": "pc105/de", "qvd.client.os": "darwin", "qvd.client.link": "2m",
            "qvd.client.geometry": "1920x1080+0+0", "qvd.client.fullscreen": "1",
            "qvd.client.printing.enabled": "1", "qvd.client.nxagent.extra_args": "clipboard=server, defer=1",
        ]
        let options = try NXAgentOptions(parameters: parameters, configuration: configuration)
        #expect(options.fileContents
            == "nx/nx,keyboard=pc105/de,client=darwin,link=2m,geometry=1920x1080+0+0,fullscreen=1,media=1,slave=1,tolerancechecks=safe,clipboard=server,defer=1,cups=2007:7\n")
    }

    @Test("a Windows client prints through smb=; printing needs both the VMA and the client switch")
    func printing() throws {
        var parameters = SessionTestHarness.freshParameters.dictionary
        parameters["qvd.client.os"] = "windows"
        parameters["qvd.client.printing.enabled"] = "1"
        let on = NXAgentOptionsConfiguration(printingEnabled: true)
        #expect(try NXAgentOptions(parameters: parameters, configuration: on).options.last == "smb=2100")
        #expect(try NXAgentOptions(parameters: parameters, configuration: recording).options.last == "tolerancechecks=risky")
        for off in ["0", ""] {
            parameters["qvd.client.printing.enabled"] = off
            #expect(try NXAgentOptions(parameters: parameters, configuration: on).options.last == "tolerancechecks=risky")
        }
    }

    @Test("a missing key falls back to the configured default, then the built-in one; an empty value is left out")
    func defaults() throws {
        var parameters = SessionTestHarness.freshParameters.dictionary
        parameters["qvd.client.link"] = nil             // transcript S68
        parameters["qvd.client.fullscreen"] = ""        // the Perl client may send it empty
        #expect(try NXAgentOptions(parameters: parameters, configuration: recording).fileContents
            == "nx/nx,keyboard=pc105/us,client=linux,link=adsl,geometry=1024x768,tolerancechecks=risky:100\n")

        let configured = NXAgentOptionsConfiguration(defaults: [.link: "wan", .keyboard: "pc105/fr"])
        #expect(try NXAgentOptions(parameters: parameters, configuration: configured).fileContents
            == "nx/nx,keyboard=pc105/us,client=linux,link=wan,geometry=1024x768,tolerancechecks=risky:100\n")

        #expect(try NXAgentOptions(parameters: [:], configuration: recording).fileContents
            == "nx/nx,keyboard=pc105/us,client=linux,link=adsl,geometry=1024x768,fullscreen=0,tolerancechecks=risky:100\n")
        #expect(try NXAgentOptions(parameters: [:], configuration: NXAgentOptionsConfiguration(toleranceChecks: "")).fileContents
            == "nx/nx,keyboard=pc105/us,client=linux,link=adsl,geometry=1024x768,fullscreen=0:100\n")
    }

    @Test("valid values are accepted", arguments: [
        (NXAgentClientOption.keyboard, "pc105/us"), (.keyboard, "query"), (.keyboard, "clone"), (.keyboard, "null/null"),
        (.keyboard, "pc105/us+intl"), (.os, "linux"), (.os, "windows"), (.os, "winnt"), (.os, "darwin"),
        (.link, "modem"), (.link, "isdn"), (.link, "adsl"), (.link, "wan"), (.link, "lan"), (.link, "local"),
        (.link, "56k"), (.link, "100m"), (.geometry, "1024x768"), (.geometry, "32x32"), (.geometry, "16384x16384"),
        (.geometry, "800x600+10+20"), (.geometry, "800x600-0-0"), (.geometry, "allscreens"), (.fullscreen, "0"), (.fullscreen, "1"),
    ])
    func validValue(option: NXAgentClientOption, value: String) throws {
        let options = try NXAgentOptions(parameters: [option.parameterKey: value], configuration: recording)
        #expect(options.options.contains("\(option.optionName)=\(value)"))
    }

    @Test("invalid values are refused with an error naming key and value", arguments: [
        (NXAgentClientOption.geometry, "1024x768;rm"),      // transcript S66
        (.geometry, "1024x768,listen=4200"), (.geometry, "1024x768:5"), (.geometry, "1024x768\n"),
        (.geometry, "1024"), (.geometry, "31x768"), (.geometry, "16385x768"), (.geometry, "1024x768+1"),
        (.geometry, "1024x768+99999+0"), (.geometry, "1024x768+0+0+0"), (.geometry, "１０２４x768"),
        (.keyboard, "pc105"), (.keyboard, "pc105/us/x"), (.keyboard, "rmlvo/base#pc105#de"), (.keyboard, "pc105/us,listen=1"),
        (.keyboard, "pc105/u s"), (.keyboard, "/us"), (.keyboard, "pc105/"),
        (.os, "Linux"), (.os, "beos"), (.os, "linux=1"),
        (.link, "fast"), (.link, "0k"), (.link, "1000000m"), (.link, "lan:1"), (.link, "k"),
        (.fullscreen, "2"), (.fullscreen, "yes"), (.fullscreen, "1=1"),
    ])
    func invalidValue(option: NXAgentClientOption, value: String) {
        #expect(throws: NXAgentOptionsError.invalidValue(key: option.parameterKey, value: value, expected: option.expectedValues)) {
            try NXAgentOptions(parameters: [option.parameterKey: value], configuration: recording)
        }
    }

    @Test("the error text names the key, the escaped value and what is expected")
    func errorText() {
        let error = NXAgentOptionsError.invalidValue(key: "qvd.client.geometry", value: "1024x768;rm\n",
                                                     expected: NXAgentClientOption.geometry.expectedValues)
        #expect(error.description
            == "invalid value \"1024x768;rm\\n\" for parameter qvd.client.geometry: expected WIDTHxHEIGHT or WIDTHxHEIGHT+X+Y with sizes 32-16384 and offsets up to 16384, or allscreens, onescreen, fullscreen")
    }

    @Test("invalid configured defaults and configuration values are refused")
    func configurationErrors() {
        #expect(throws: NXAgentOptionsError.invalidDefault(key: "qvd.client.link", value: "fast", expected: NXAgentClientOption.link.expectedValues)) {
            try NXAgentOptions(parameters: [:], configuration: NXAgentOptionsConfiguration(defaults: [.link: "fast"]))
        }
        #expect(throws: NXAgentOptionsError.invalidConfiguration(key: "internal.vma.nxagent.tolerancechecks", value: "risky,listen=1",
                                                                 expected: "one of strict, safe, risky, bypass, or empty")) {
            try NXAgentOptions(parameters: [:], configuration: NXAgentOptionsConfiguration(toleranceChecks: "risky,listen=1"))
        }
        #expect(throws: NXAgentOptionsError.invalidConfiguration(key: "internal.nxagent.display", value: "60000",
                                                                 expected: "a display number from 0 to 54535")) {
            try NXAgentOptions(parameters: [:], configuration: NXAgentOptionsConfiguration(display: 60000))
        }
    }

    @Test("a refused extra option fails the whole file")
    func extraArgsRefused() {
        #expect(throws: NXAgentOptionsError.extraOptionNotAllowed(name: "listen", reason: "it would change where nxagent listens or connects")) {
            try NXAgentOptions(parameters: ["qvd.client.nxagent.extra_args": "clipboard=both,listen=4200"], configuration: recording)
        }
    }

    @Test("no accepted value can inject , = : or a line break", arguments: NXAgentClientOption.allCases)
    func noInjection(option: NXAgentClientOption) {
        for bad in [",", "=", ":", "\n", "\r", " ", "\0", "#", ";", "'", "\"", "é"] {
            for base in ["pc105/us", "linux", "lan", "1024x768", "1"] {
                #expect(!option.accepts(base + bad))
                #expect(!option.accepts(bad + base))
            }
        }
    }
}
