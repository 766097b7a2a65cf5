#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import QVDCore

/// What `qvd-vma-slaveserver` reads from `vma.conf`, once, as typed fields (STYLE.md §4).
/// The server runs as the session user (nxagent's child), so `~` is that user's home.
public struct VMSlaveConfiguration: Sendable {
    /// The session user's home (`$HOME` from nxagent's environment, else the passwd entry).
    public var home: String
    /// `internal.vma.slave.config`: the key file the agent writes 0600 for the user.
    public var keyFile: String
    /// `vma.user.shares.path` (`~/Redirected`).
    public var shares: SharesDirectory
    /// `vma.slave.export_roots`: folders besides the home a client may mount.
    public var exportRoots: [String]
    /// `command.sshfs`.
    public var sshfsProgram: String
    /// `vma.sshfs.extra_args`, split shell-style.
    public var sshfsExtraArguments: [String]
    /// `command.open_file` (`xdg-open`).
    public var openFileProgram: String
    /// The session's display: `DISPLAY` from the environment nxagent gives, else
    /// `:<internal.nxagent.display>` (upstream hard-coded `:100`).
    public var display: String
    /// `vma-slaveserver.log.filename`.
    public var logFile: String
    /// `log.level`.
    public var logLevel: String
    /// The process's `PATH`, to find programs given by name.
    public var searchPath: String?

    public init(home: String, keyFile: String, shares: SharesDirectory, exportRoots: [String], sshfsProgram: String,
                sshfsExtraArguments: [String], openFileProgram: String, display: String,
                logFile: String, logLevel: String, searchPath: String?) {
        self.home = home
        self.keyFile = keyFile
        self.shares = shares
        self.exportRoots = exportRoots
        self.sshfsProgram = sshfsProgram
        self.sshfsExtraArguments = sshfsExtraArguments
        self.openFileProgram = openFileProgram
        self.display = display
        self.logFile = logFile
        self.logLevel = logLevel
        self.searchPath = searchPath
    }

    /// Reads the fields from `configuration`; `environment` is the process's.
    public init(configuration config: Configuration, environment: [String: String]) throws(SlaveError) {
        let home = Self.home(environment: environment)
        do {
            let configuredDisplay = try config.int("internal.nxagent.display")
            let display = environment["DISPLAY"].flatMap { $0.isEmpty ? nil : $0 } ?? ":\(configuredDisplay)"
            self.init(
                home: home,
                keyFile: try config.path("internal.vma.slave.config", home: home),
                shares: try SharesDirectory(configured: try config.string("vma.user.shares.path"), home: home),
                exportRoots: try config.list("vma.slave.export_roots", style: .commasOrWhitespace)
                    .map { $0.hasPrefix("~/") ? home + $0.dropFirst(1) : $0 },
                sshfsProgram: try config.string("command.sshfs"),
                sshfsExtraArguments: try config.list("vma.sshfs.extra_args", style: .shellWords),
                openFileProgram: try config.string("command.open_file"),
                display: display,
                logFile: try config.path("vma-slaveserver.log.filename", home: home),
                logLevel: try config.string("log.level"),
                searchPath: environment["PATH"])
        } catch let error as SlaveError {
            throw error
        } catch {
            throw SlaveError(.configuration, "read the VMA configuration", "\(error)")
        }
    }

    /// `$HOME` when set, else the passwd entry of the real user.
    public static func home(environment: [String: String]) -> String {
        if let home = environment["HOME"], home.hasPrefix("/") { return home }
        if let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir {
            return String(cString: directory)
        }
        return "/"
    }

    /// A program given by path or by name: the path, or the name found in `PATH`. sshfs
    /// falls back to the one on `PATH` when the configured one is missing: upstream's
    /// default `${path.qvd.bin}/sshfs` is its own build, Debian's is `/usr/bin/sshfs`.
    public func resolveProgram(_ program: String, fallbackName: String? = nil) -> String? {
        if let found = ExecutableSearch.find(program, path: searchPath) { return found }
        return fallbackName.flatMap { ExecutableSearch.find($0, path: searchPath) }
    }
}
