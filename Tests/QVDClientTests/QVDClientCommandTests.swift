import Testing
@testable import QVDClient
@testable import qvdclient

/// Upstream's C flags (`upstream-l7r-protocol.md` §8.1): `-h` is the host; help is `-?`.
@Suite struct QVDClientCommandTests {
    @Test func upstreamShortFlags() throws {
        let command = try QVDClientCommand.parse([
            "-h", "l7r", "-p", "9443", "-u", "alice", "-w", "pw", "-g", "1280x720", "-f", "-o", "-n",
            "-x", "nx/nx,data=0", "-K", "pc105/es", "-c", "c.pem", "-k", "k.pem", "-r", "-s", "3", "-d",
        ])
        let options = command.clientOptions()
        #expect(options.host == "l7r")
        #expect(options.port == 9443)
        #expect(options.login == "alice")
        #expect(options.password == "pw")
        #expect(options.geometry == "1280x720")
        #expect(options.fullscreen && options.firstVM && options.noCertificateCheck && options.restart && options.debug)
        #expect(options.nxOptions == "nx/nx,data=0")
        #expect(options.keyboard == "pc105/es")
        #expect(options.certificateFile == "c.pem")
        #expect(options.keyFile == "k.pem")
        #expect(options.vmID == "3")
        #expect(!options.list)
    }

    @Test func longForms() throws {
        let command = try QVDClientCommand.parse([
            "--host", "l7r", "--list", "--json", "--vm", "2", "--pin", "sha256:00", "--pin", "sha256:11",
            "--config", "/tmp/x.conf", "-b", "dG9r",
        ])
        let options = command.clientOptions()
        #expect(options.host == "l7r")
        #expect(options.list && options.json)
        #expect(options.vmID == "2")
        #expect(options.pins == ["sha256:00", "sha256:11"])
        #expect(options.configFile == "/tmp/x.conf")
        #expect(options.bearer == "dG9r")
    }

    @Test func helpIsQuestionMarkAndValidation() {
        #expect(throws: (any Error).self) { try QVDClientCommand.parse(["-?"]) }
        #expect(QVDClientCommand.helpMessage().contains("-h, --host <host>"))
        #expect(QVDClientCommand.helpMessage().contains("-?, --help"))
        #expect(throws: (any Error).self) { try QVDClientCommand.parse(["--json"]) }
        #expect(throws: (any Error).self) { try QVDClientCommand.parse(["-w", "x", "--password-stdin"]) }
    }
}
