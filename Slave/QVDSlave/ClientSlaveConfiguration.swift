import QVDCore

/// What `qvd-client-slaveserver` reads, once (STYLE.md §4): the key file `qvdclient`
/// writes and the one switch of its only action.
public struct ClientSlaveConfiguration: Sendable {
    /// `~/.qvd/slave-key`, written 0600 by `qvdclient` (`SlaveKeyFile`).
    public var keyFile: String
    /// `client.slave.open_url` (default 0): whether `POST /open-url` may open anything.
    public var openURLEnabled: Bool
    /// The program that opens a URL on the desktop, looked up on `PATH` (`xdg-open`).
    public var openURLProgram: String
    /// `log.level`.
    public var logLevel: String
    public var searchPath: String?

    public init(keyFile: String, openURLEnabled: Bool, openURLProgram: String = "xdg-open",
                logLevel: String = "INFO", searchPath: String? = nil) {
        self.keyFile = keyFile
        self.openURLEnabled = openURLEnabled
        self.openURLProgram = openURLProgram
        self.logLevel = logLevel
        self.searchPath = searchPath
    }

    public init(configuration config: Configuration, environment: [String: String]) throws(SlaveError) {
        let home = environment["HOME"] ?? VMSlaveConfiguration.home(environment: environment)
        do {
            self.init(keyFile: SlaveSessionFiles(home: home).keyPath,
                      openURLEnabled: try config.bool("client.slave.open_url"),
                      logLevel: try config.string("log.level"),
                      searchPath: environment["PATH"])
        } catch {
            throw SlaveError(.configuration, "read the client configuration", "\(error)")
        }
    }
}
