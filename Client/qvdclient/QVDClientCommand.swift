import ArgumentParser
import Dispatch
import Foundation
import Logging
import NIOPosix
import QVDClient
import QVDCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `qvdclient`: log in to a QVD L7R, pick a VM and run its desktop through `nxproxy`.
/// Options follow upstream's C `qvdclient` (`upstream-l7r-protocol.md` §8.1): `-h` is the
/// host, so help is `-?`/`--help`.
@main
struct QVDClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qvdclient",
        abstract: "Connect to a QVD virtual desktop.",
        discussion: QVDClientHelp.discussion,
        helpNames: [.long, .customShort("?")])

    @Option(name: [.customShort("h"), .long], help: "The L7R server (QVDHOST, client.host.name).")
    var host: String?

    @Option(name: [.customShort("p"), .long], help: "The L7R port, default 8443 (QVDPORT).")
    var port: Int?

    @Option(name: [.customShort("u"), .long], help: "Login name (QVDLOGIN).")
    var user: String?

    @Option(name: [.customShort("w"), .long], help: "Password; visible to other users in ps: prefer QVDPASSWORD, --password-stdin or the prompt.")
    var password: String?

    @Flag(name: .long, help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    @Option(name: [.customShort("b"), .long], help: "Bearer token, already base64, sent verbatim (QVDBEARER).")
    var bearer: String?

    @Option(name: [.customShort("g"), .long], help: "Session size WIDTHxHEIGHT (client.geometry, default 1024x768).")
    var geometry: String?

    @Flag(name: [.customShort("f"), .long], help: "Full screen.")
    var fullscreen = false

    @Flag(name: [.customShort("l"), .long], help: "List your VMs and exit.")
    var list = false

    @Flag(name: .long, help: "With --list: print upstream's JSON instead of a table.")
    var json = false

    @Flag(name: [.customShort("o"), .long], help: "Connect to the first VM of the list.")
    var first = false

    @Flag(name: [.customShort("n"), .long], help: "Do not check the server's certificate (unsafe).")
    var noCertCheck = false

    @Option(name: [.customShort("x"), .long], help: "NX options for the local nxproxy, e.g. nx/nx,data=0,cache=16384.")
    var nxOptions: String?

    @Option(name: [.customShort("K"), .long], help: "Keyboard model/layout sent to the VM, default pc105/us.")
    var keyboard: String?

    @Option(name: [.customShort("c"), .long], help: "Client certificate (PEM), with -k.")
    var cert: String?

    @Option(name: [.customShort("k"), .long], help: "Client certificate's key (PEM), with -c.")
    var key: String?

    @Flag(name: [.customShort("r"), .long], help: "Restart: stop the VM before connecting.")
    var restart = false

    @Option(name: [.customShort("s"), .long], help: "The VM id to connect to (QVDVMID).")
    var vm: String?

    @Flag(name: [.customShort("d"), .long], help: "Debug output.")
    var debug = false

    @Flag(name: [.customShort("v"), .long], help: "Print the version and exit.")
    var version = false

    @Option(name: .long, help: "Accept the server certificate with this fingerprint, sha256:<hex> (repeatable).")
    var pin: [String] = []

    @Option(name: .long, help: "Read this file instead of ~/.qvd/client.conf.")
    var config: String?

    @Flag(name: .long, help: "Show the server's certificate and save it to ~/.qvd/accepted_certs.json if you accept it (or if it matches --pin); needs no login.")
    var trust = false

    @Flag(name: .long, help: "Print every client.conf key with its default and meaning, then exit.")
    var helpConfig = false

    static let versionText = "qvdclient (qvd-swift) \(QVDVersion.string)"

    /// The options as the library takes them (no password read yet).
    func clientOptions() -> ClientOptions {
        var options = ClientOptions()
        options.host = host
        options.port = port
        options.login = user
        options.password = password
        options.bearer = bearer
        options.geometry = geometry
        options.fullscreen = fullscreen
        options.list = list
        options.json = json
        options.firstVM = first
        options.noCertificateCheck = noCertCheck
        options.nxOptions = nxOptions
        options.keyboard = keyboard
        options.certificateFile = cert
        options.keyFile = key
        options.restart = restart
        options.vmID = vm
        options.debug = debug
        options.pins = pin
        options.configFile = config
        options.trust = trust
        return options
    }

    func validate() throws {
        if passwordStdin && password != nil {
            throw ValidationError("-w and --password-stdin exclude each other")
        }
        if trust && list {
            throw ValidationError("--trust and -l/--list exclude each other")
        }
        if json && !list {
            throw ValidationError("--json only goes with -l/--list")
        }
    }

    mutating func run() async throws {
        if version {
            print(Self.versionText)
            return
        }
        if helpConfig {
            print(ConfigHelpRenderer.render(ClientConfigDefaults.table, file: ClientConfigDefaults.systemFile), terminator: "")
            return
        }
        let console = TerminalConsole()
        var options = clientOptions()
        if passwordStdin {
            options.password = readLine(strippingNewline: true) ?? ""
        } else if password != nil {
            console.status("warning: -w puts the password where other users can see it (ps); prefer QVDPASSWORD or --password-stdin")
        }
        let environment = Self.environment()
        let home = environment["HOME"] ?? "/"
        do throws(ClientError) {
            // Keyboard and screen size of the user's display, unless only listing (-K, -g
            // and client.geometry still win inside resolve).
            let probe = list || trust ? nil : X11DisplayProbe.probe(display: environment["DISPLAY"])
            var settings = try ClientSettings.resolve(options: options, environment: environment, home: home,
                                                      display: try? probe?.get())
            if settings.action == .trust {
                Self.startLogging(settings, console: console)
                _ = try await CertificateTrustSession(settings: settings, console: console,
                                                      group: MultiThreadedEventLoopGroup.singleton).run()
                return
            }
            // nxproxy -S draws on the user's X display and stops at once without one;
            // better to say so before the VM starts a session for nothing.
            if settings.action == .connect, (environment["DISPLAY"] ?? "").isEmpty {
                throw ClientError(.usage, phase: .configuration, "DISPLAY is not set: the session needs an X display",
                                  hint: "run from an X session, or set DISPLAY")
            }
            if settings.credentials == nil, let login = settings.loginWithoutPassword {
                guard console.isInteractive, let typed = console.askSecret("Password for \(login)@\(settings.host): ") else {
                    throw ClientError(.usage, phase: .configuration, "no password given",
                                      hint: "use QVDPASSWORD, --password-stdin or run on a terminal")
                }
                settings.credentials = .basic(login: login, password: typed)
            }
            Self.startLogging(settings, console: console)
            if let probe {
                Logger(label: "qvdclient").debug("\(X11DisplayProbe.describe(probe))")
                if settings.debug { console.status("debug: " + X11DisplayProbe.describe(probe)) }
            }
            let interrupter = SessionInterrupter()
            let signals = Self.installSignalHandlers(interrupter)
            defer { signals.forEach { $0.cancel() } }
            var nxproxyOutput: (@Sendable (String) -> Void)?
            if settings.debug {
                let sink = console
                nxproxyOutput = { @Sendable line in sink.status("nxproxy: " + line) }
            }
            let session = QVDClientSession(
                settings: settings, console: console,
                launcher: NXProxyCommandLauncher(settings: settings.nxproxy, output: nxproxyOutput),
                group: MultiThreadedEventLoopGroup.singleton, interrupter: interrupter)
            if let end = try await session.run() {
                console.status("session ended: \(end)")
            }
        } catch {
            console.status("qvdclient: \(error)")
            throw ExitCode(error.code.rawValue)
        }
    }

    /// `~/.qvd/qvd-client.log` (or `client.log.filename`) at `log.level`; a log that
    /// cannot be opened is a warning, not a failure.
    static func startLogging(_ settings: ClientSettings, console: TerminalConsole) {
        do {
            try FileManager.default.createDirectory(atPath: settings.userDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let threshold = try QVDLogging.threshold(forUpstreamName: settings.logLevel)
            try QVDLogging.bootstrap(destination: .file(path: settings.logFile), level: threshold)
        } catch {
            console.status("warning: no log file: \(error)")
        }
    }

    static func environment() -> [String: String] {
        ProcessInfo.processInfo.environment
    }

    static func installSignalHandlers(_ interrupter: SessionInterrupter) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { interrupter.interrupt() }
            source.resume()
            return source
        }
    }
}
