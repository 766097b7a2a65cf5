import Testing
@testable import QVDClient

@Suite struct ClientSettingsTests {
    func resolve(_ options: ClientOptions, env: [String: String] = [:], system: String? = nil, user: String? = nil)
        throws -> ClientSettings
    {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        var systemFile: String?
        if let system { systemFile = try home.write(system, to: "etc/client.conf") }
        if let user { _ = try home.write(user, to: ".qvd/client.conf") }
        return try ClientSettings.resolve(options: options, environment: env, home: home.path, systemFile: systemFile)
    }

    @Test func defaultsWithOnlyHostAndUser() throws {
        var options = ClientOptions()
        options.host = "l7r.example"
        options.login = "alice"
        options.password = "pw"
        let settings = try resolve(options)
        #expect(settings.host == "l7r.example")
        #expect(settings.port == 8443)
        #expect(settings.credentials == .basic(login: "alice", password: "pw"))
        #expect(settings.geometry == "1024x768")
        #expect(settings.keyboard == "pc105/us")
        #expect(settings.link == "adsl")
        #expect(settings.fullscreen == false)
        #expect(settings.action == .connect)
        #expect(settings.verifyCertificates)
        #expect(settings.nxproxy.executable == "/usr/bin/nxproxy")
        #expect(settings.nxproxy.slaveEnabled)
        #expect(settings.nxproxy.printing)
        #expect(settings.logFile.hasSuffix("/.qvd/qvd-client.log"))
        #expect(settings.logFile.hasPrefix("/"))
        #expect(settings.logLevel == "INFO")
    }

    @Test func precedenceSystemUserEnvironmentFlags() throws {
        let system = "client.host.name = sys\nclient.host.port = 1001\nclient.geometry = 800x600\nclient.link = lan\nclient.user.name = sysuser\n"
        let user = "client.host.name = usr\nclient.host.port = 1002\nclient.geometry = 640x480\n"
        var options = ClientOptions()
        options.password = "pw"

        var settings = try resolve(options, system: system)
        #expect(settings.host == "sys")
        #expect(settings.port == 1001)

        settings = try resolve(options, system: system, user: user)
        #expect(settings.host == "usr")
        #expect(settings.port == 1002)
        #expect(settings.geometry == "640x480")
        #expect(settings.link == "lan")

        let env = ["QVDHOST": "envhost", "QVDPORT": "1003", "QVDLOGIN": "envuser", "QVDVMID": "7"]
        settings = try resolve(options, env: env, system: system, user: user)
        #expect(settings.host == "envhost")
        #expect(settings.port == 1003)
        #expect(settings.credentials == .basic(login: "envuser", password: "pw"))
        #expect(settings.vmID == 7)

        options.host = "flaghost"
        options.port = 1004
        options.login = "flaguser"
        options.vmID = "9"
        options.geometry = "1280x720"
        settings = try resolve(options, env: env, system: system, user: user)
        #expect(settings.host == "flaghost")
        #expect(settings.port == 1004)
        #expect(settings.credentials == .basic(login: "flaguser", password: "pw"))
        #expect(settings.vmID == 9)
        #expect(settings.geometry == "1280x720")
    }

    @Test func environmentPasswordAndBearer() throws {
        var options = ClientOptions()
        options.host = "h"
        var settings = try resolve(options, env: ["QVDLOGIN": "bob", "QVDPASSWORD": "s3cret"])
        #expect(settings.credentials == .basic(login: "bob", password: "s3cret"))
        settings = try resolve(options, env: ["QVDBEARER": "dG9rZW4="])
        #expect(settings.credentials == .bearer("dG9rZW4="))
        #expect(settings.credentials?.headerValue == "Bearer dG9rZW4=")
        settings = try resolve(options, env: ["QVDBEARERTOKEN": "token"])
        #expect(settings.credentials == .bearer("dG9rZW4="))
        settings = try resolve(options, env: ["QVDBEARERTOKEN": "other", "QVDBEARER": "dG9rZW4="])
        #expect(settings.credentials == .bearer("dG9rZW4="))
        settings = try resolve(options, env: ["QVDLOGIN": "bob"])
        #expect(settings.credentials == nil)
        #expect(settings.loginWithoutPassword == "bob")
    }

    @Test func configFileOptionReplacesUserFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = try dir.write("client.host.name = fromconfig\nclient.user.name = u\nclient.user.password = p\n", to: "alt.conf")
        var options = ClientOptions()
        options.configFile = file
        let settings = try ClientSettings.resolve(options: options, environment: [:], home: dir.path, systemFile: nil)
        #expect(settings.host == "fromconfig")
        options.configFile = dir.path + "/missing.conf"
        #expect(throws: ClientError.self) {
            try ClientSettings.resolve(options: options, environment: [:], home: dir.path, systemFile: nil)
        }
    }

    @Test func flagsMapToSettings() throws {
        var options = ClientOptions()
        options.host = "h"
        options.login = "u"
        options.password = "p"
        options.fullscreen = true
        options.keyboard = "pc105/es"
        options.restart = true
        options.firstVM = true
        options.noCertificateCheck = true
        options.nxOptions = "nx/nx,data=0,cache=16384"
        options.list = true
        options.json = true
        options.pins = ["sha256:" + String(repeating: "ab", count: 32)]
        let settings = try resolve(options)
        #expect(settings.fullscreen)
        #expect(settings.keyboard == "pc105/es")
        #expect(settings.restart)
        #expect(settings.firstVM)
        #expect(!settings.verifyCertificates)
        #expect(settings.nxproxy.extraOptions == ["data=0", "cache=16384"])
        #expect(settings.action == .list(json: true))
        #expect(settings.pins.map(\.pinForm) == ["sha256:" + String(repeating: "ab", count: 32)])
    }

    static let invalid: [(String, String)] = [
        ("no host", "no server given"),
        ("no login", "no login given"),
        ("geometry", "geometry \"big\" is not WIDTHxHEIGHT"),
        ("vm id", "VM id \"x1\" is not a number"),
        ("keyboard", "keyboard \"pc105/us,evil\" may only hold"),
        ("pin", "--pin \"md5:00\" is not sha256"),
        ("cert", "a client certificate needs both"),
    ]

    @Test(arguments: 0..<invalid.count)
    func invalidOptionsAreUsageErrors(index: Int) throws {
        let (name, message) = Self.invalid[index]
        var options = ClientOptions()
        options.host = "h"
        options.login = "u"
        options.password = "p"
        switch name {
        case "no host": options.host = nil
        case "no login": options.login = nil; options.password = nil
        case "geometry": options.geometry = "big"
        case "vm id": options.vmID = "x1"
        case "keyboard": options.keyboard = "pc105/us,evil"
        case "pin": options.pins = ["md5:00"]
        default: options.certificateFile = "/c.pem"
        }
        let error = #expect(throws: ClientError.self) { try resolve(options) }
        #expect(error?.code == .usage)
        #expect(error?.phase == .configuration)
        #expect(error?.message.hasPrefix(message) == true, "\(name): \(String(describing: error))")
    }

    @Test func secretsNeverInDescription() {
        let credentials = ClientCredentials.basic(login: "alice", password: "hunter2")
        #expect(credentials.description == "Basic (login alice)")
        #expect(credentials.headerValue == "Basic YWxpY2U6aHVudGVyMg==")
        #expect(ClientCredentials.bearer("tok").description == "Bearer (token hidden)")
    }
}
