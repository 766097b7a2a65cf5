import Foundation
import QVDCore

/// Everything one run of `qvdclient` needs, typed, merged from (lowest first) the
/// built-in defaults, `/etc/qvd/client.conf`, `~/.qvd/client.conf` (or `--config`), the
/// environment (`QVDHOST QVDPORT QVDLOGIN QVDPASSWORD QVDBEARER QVDVMID`) and the command
/// line (`upstream-l7r-protocol.md` §8.1, §9; `ClientConfigDefaults`).
public struct ClientSettings: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// `nil` until a password is known (the command may still ask for one).
    public var credentials: ClientCredentials?
    /// The login when no password was given yet, so the command can ask for one.
    public var loginWithoutPassword: String?
    public var action: ClientAction
    /// `-s`, `QVDVMID`, `client.auto_connect.vm_id`.
    public var vmID: Int?
    /// `-o`: take the first VM of the list.
    public var firstVM: Bool
    /// `-r`: `stop_vm` before connecting.
    public var restart: Bool
    public var geometry: String
    public var fullscreen: Bool
    public var keyboard: String
    public var link: String
    /// False with `-n`: any certificate is accepted (a warning is printed).
    public var verifyCertificates: Bool
    public var pins: [CertificateFingerprint]
    public var clientCertificate: (certificate: String, key: String)?
    public var nxproxy: NXProxySettings
    /// `~/.qvd`: pin store, personal CA directory, slave key.
    public var userDirectory: String
    public var debug: Bool
    /// `client.log.filename` (default `~/.qvd/qvd-client.log`), `~` expanded.
    public var logFile: String = ""
    /// `log.level` as upstream names it (`INFO` by default).
    public var logLevel: String = "INFO"

    /// The keyboard sent when none is given (`-K`) or detected: upstream's C default is
    /// `pc105/en`, which is not an XKB layout; `pc105/us` is.
    public static let defaultKeyboard = "pc105/us"

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.host == rhs.host && lhs.port == rhs.port && lhs.credentials == rhs.credentials
            && lhs.loginWithoutPassword == rhs.loginWithoutPassword && lhs.action == rhs.action
            && lhs.vmID == rhs.vmID && lhs.firstVM == rhs.firstVM && lhs.restart == rhs.restart
            && lhs.geometry == rhs.geometry && lhs.fullscreen == rhs.fullscreen && lhs.keyboard == rhs.keyboard
            && lhs.link == rhs.link && lhs.verifyCertificates == rhs.verifyCertificates && lhs.pins == rhs.pins
            && lhs.clientCertificate?.certificate == rhs.clientCertificate?.certificate
            && lhs.clientCertificate?.key == rhs.clientCertificate?.key
            && lhs.nxproxy == rhs.nxproxy && lhs.userDirectory == rhs.userDirectory && lhs.debug == rhs.debug
            && lhs.logFile == rhs.logFile && lhs.logLevel == rhs.logLevel
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(host)
        hasher.combine(port)
        hasher.combine(vmID)
    }

    /// Merges the layers and checks every value. `systemFile` is `/etc/qvd/client.conf`
    /// in real use; tests pass a temporary file or `nil`. `display` is what
    /// `X11DisplayProbe` read: its keyboard is used unless `-K` is given, its screen size
    /// unless `client.geometry` is set in a file, the environment or with `-g`.
    public static func resolve(
        options: ClientOptions,
        environment: [String: String],
        home: String,
        systemFile: String? = ClientConfigDefaults.systemFile,
        display: X11DisplayInfo? = nil
    ) throws(ClientError) -> ClientSettings {
        let userDirectory = home + "/.qvd"
        var commandLine: [(option: String, key: String, value: String)] = []
        func set(_ option: String, _ key: String, _ value: String?) {
            if let value { commandLine.append((option, key, value)) }
        }
        set("-h", "client.host.name", options.host)
        set("-p", "client.host.port", options.port.map(String.init))
        set("-u", "client.user.name", options.login)
        set("-w", "client.user.password", options.password)
        set("-b", "client.auto_connect.token", options.bearer)
        set("-g", "client.geometry", options.geometry)
        set("-f", "client.fullscreen", options.fullscreen ? "1" : nil)
        set("-s", "client.auto_connect.vm_id", options.vmID)
        set("-c", "client.ssl.cert_file", options.certificateFile)
        set("-k", "client.ssl.key_file", options.keyFile)

        // QVDBEARER (C) holds the token already base64 and wins; QVDBEARERTOKEN (Perl)
        // holds the raw token, which Perl encodes itself (`upstream-l7r-protocol.md` §3.2).
        var environment = environment
        if let raw = environment["QVDBEARERTOKEN"], environment["QVDBEARER"] == nil, !raw.isEmpty {
            environment["QVDBEARER"] = Data(raw.utf8).base64EncodedString()
        }
        environment["QVDBEARERTOKEN"] = nil
        let config: Configuration
        do {
            config = try Configuration.load(
                schema: ClientConfigDefaults.table,
                systemFile: systemFile,
                userFile: options.configFile ?? (home + "/" + ClientConfigDefaults.userFileInHome),
                environment: environment,
                commandLine: commandLine)
            if let configFile = options.configFile, !FileCheck.exists(configFile) {
                throw ConfigError.fileNotFound(path: configFile)
            }
        } catch {
            throw ClientError(.usage, phase: .configuration, "\(error)")
        }
        do {
            return try build(options: options, config: config, userDirectory: userDirectory, environment: environment,
                             display: display)
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError(.usage, phase: .configuration, "\(error)")
        }
    }

    private static func build(
        options: ClientOptions, config: Configuration, userDirectory: String, environment: [String: String],
        display: X11DisplayInfo?
    ) throws -> ClientSettings {
        func usage(_ message: String, hint: String? = nil) -> ClientError {
            ClientError(.usage, phase: .configuration, message, hint: hint)
        }
        let host = try config.optionalString("client.host.name") ?? ""
        guard !host.isEmpty else {
            throw usage("no server given", hint: "use -h HOST, QVDHOST or client.host.name")
        }
        let port = try config.int("client.host.port", in: 1...65_535)
        let login = (try config.optionalString("client.user.name")).flatMap { $0.isEmpty ? nil : $0 }
        let password = (try config.optionalString("client.user.password")).flatMap { $0.isEmpty ? nil : $0 }
        let token = (try config.optionalString("client.auto_connect.token")).flatMap { $0.isEmpty ? nil : $0 }

        var credentials: ClientCredentials?
        var loginWithoutPassword: String?
        if let token {
            credentials = .bearer(token)
        } else if let login {
            guard !login.contains(":") else { throw usage("the login \"\(login)\" contains ':', which Basic authentication cannot carry") }
            if let password { credentials = .basic(login: login, password: password) } else { loginWithoutPassword = login }
        } else if !options.trust {
            throw usage("no login given", hint: "use -u USER (or QVDLOGIN), or -b TOKEN")
        }

        var vmID: Int?
        if let text = (try config.optionalString("client.auto_connect.vm_id")), !text.isEmpty {
            guard let id = Int(text) else { throw usage("VM id \"\(text)\" is not a number", hint: "-s takes a VM id as shown by -l") }
            vmID = id
        }

        var geometry = try config.string("client.geometry")
        // The user's screen size replaces only the built-in default (X11DisplayProbe).
        if let display, config.entry("client.geometry")?.source.kind == .defaults {
            geometry = display.geometry
        }
        guard Self.isGeometry(geometry) else {
            throw usage("geometry \"\(geometry)\" is not WIDTHxHEIGHT", hint: "e.g. -g 1280x720")
        }
        let detectedKeyboard = display?.keyboard.flatMap { Self.isSafeNXValue($0) ? $0 : nil }
        let keyboard = options.keyboard ?? detectedKeyboard ?? Self.defaultKeyboard
        let link = try config.string("client.link")
        // The VMA drops the whole X start for any other character (upstream-l7r-protocol.md §5.1).
        for (name, value) in [("keyboard", keyboard), ("link", link)] where !Self.isSafeNXValue(value) {
            throw usage("\(name) \"\(value)\" may only hold letters, digits, '_', '/', '-' and '+'")
        }

        var pins: [CertificateFingerprint] = []
        for text in options.pins {
            guard let pin = CertificateFingerprint(pin: text) else {
                throw usage("--pin \"\(text)\" is not sha256:<64 hex digits>", hint: "copy it from the message that refused the certificate")
            }
            pins.append(pin)
        }

        let certFile = try config.optionalString("client.ssl.cert_file")
        let keyFile = try config.optionalString("client.ssl.key_file")
        var clientCertificate: (certificate: String, key: String)?
        switch (certFile, keyFile) {
        case (let cert?, let key?): clientCertificate = (certificate: cert, key: key)
        case (nil, nil): break
        default: throw usage("a client certificate needs both -c CERT and -k KEY")
        }

        var extra: [String] = try config.list("client.nxproxy.extra_args", style: .whitespace)
        if let nx = options.nxOptions {
            extra += NXProxySettings.splitNXOptions(nx)
        }
        let slaveCommand = try config.optionalString("client.slave.command")
        let nxproxy = NXProxySettings(
            executable: try config.string("command.nxproxy"),
            extraOptions: extra,
            slaveEnabled: try config.optionalBool("client.slave.enable") ?? true,
            slaveCommand: slaveCommand,
            printing: try config.optionalBool("client.printing.enable") ?? true)

        let action: ClientAction = options.trust ? .trust : options.list ? .list(json: options.json) : .connect
        if options.json && !options.list { throw usage("--json only goes with -l/--list") }

        var settings = ClientSettings(
            host: host, port: port, credentials: credentials, loginWithoutPassword: loginWithoutPassword,
            action: action, vmID: vmID, firstVM: options.firstVM, restart: options.restart,
            geometry: geometry, fullscreen: (try config.optionalBool("client.fullscreen")) ?? false,
            keyboard: keyboard, link: link, verifyCertificates: !options.noCertificateCheck, pins: pins,
            clientCertificate: clientCertificate, nxproxy: nxproxy, userDirectory: userDirectory,
            debug: options.debug || environment["QVD_DEBUG"] != nil)
        settings.logFile = try config.path("client.log.filename", home: String(userDirectory.dropLast(5)))
        settings.logLevel = try config.string("log.level")
        return settings
    }

    static func isGeometry(_ text: String) -> Bool {
        let parts = text.split(separator: "x", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && Int($0) != nil && Int($0)! > 0 }
    }

    static func isSafeNXValue(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "_/-+".unicodeScalars.contains($0)
        }
    }
}
