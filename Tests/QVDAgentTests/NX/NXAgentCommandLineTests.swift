import Testing
@testable import QVDAgent

@Suite("NXAgentCommandLine")
struct NXAgentCommandLineTests {
    @Test("the recording's command line (side experiment C)")
    func recording() throws {
        let commandLine = NXAgentCommandLine(xinit: "/usr/bin/xinit", xSession: "/srv/qvd-oracle/bin/xsession.sh",
                                             nxagent: "/usr/bin/nxagent", optionsFilePath: "/srv/qvd-oracle/run/nxagent.conf")
        #expect(try commandLine.arguments().joined(separator: " ")
            == "/usr/bin/xinit /srv/qvd-oracle/bin/xsession.sh -- /usr/bin/nxagent :100 -ac -name QVD -display nx/nx,options=/srv/qvd-oracle/run/nxagent.conf:100")
    }

    @Test("defaults and extra arguments split shell style")
    func extras() throws {
        let commandLine = try NXAgentCommandLine(xSessionExtra: "--session 'Lubuntu Desktop'", nxagentExtra: "-dpi 96  -nolisten tcp",
                                                 display: 5)
        #expect(try commandLine.arguments() == [
            "xinit", "/etc/X11/Xsession", "--session", "Lubuntu Desktop", "--", "/usr/bin/nxagent", ":5", "-ac", "-name", "QVD",
            "-display", "nx/nx,options=/var/run/qvd/nxagent.conf:5", "-dpi", "96", "-nolisten", "tcp",
        ])
    }

    @Test("an unsplittable extra string names its key")
    func badExtra() {
        #expect(throws: NXAgentOptionsError.malformedArguments(key: "command.nxagent.args.extra", text: "-name 'QVD",
                                                               problem: "a single quote is not closed")) {
            try NXAgentCommandLine(xSessionExtra: "", nxagentExtra: "-name 'QVD")
        }
    }

    @Test("an options path that would break the display string is refused", arguments: [
        "relative/nxagent.conf", "/run/qvd,listen=1/nxagent.conf", "/run/q:vd/nxagent.conf", "/run/a=b", "/run/qvd/\nx",
    ])
    func badOptionsPath(path: String) {
        #expect(throws: NXAgentOptionsError.invalidConfiguration(key: "internal.vma.nxagent.config", value: path,
                                                                 expected: "an absolute path without , : = or control characters")) {
            try NXAgentCommandLine(optionsFilePath: path).arguments()
        }
    }

    @Test("display out of range and empty commands are refused")
    func badConfiguration() {
        #expect(throws: NXAgentOptionsError.invalidConfiguration(key: "internal.nxagent.display", value: "-1",
                                                                 expected: "a display number from 0 to 54535")) {
            try NXAgentCommandLine(display: -1).arguments()
        }
        #expect(throws: NXAgentOptionsError.invalidConfiguration(key: "command.x-session", value: "", expected: "a command")) {
            try NXAgentCommandLine(xSession: "").arguments()
        }
    }
}
