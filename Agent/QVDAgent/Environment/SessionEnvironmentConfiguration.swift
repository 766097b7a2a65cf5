/// The configuration the session environment is built from (`upstream-vma.md` §3.3, §9).
public struct SessionEnvironmentConfiguration: Sendable, Hashable {
    /// `internal.nxagent.display`: `DISPLAY=:<display>`.
    public var display: Int
    /// `vma.default.lang`: `LANG` when no file set it.
    public var defaultLanguage: String
    /// `NX_CLIENT`: our dialog helper (upstream's `command.nxdiag`); unset when empty.
    public var dialogHelper: String
    /// `vma.slave.command`: `NX_SLAVE_CMD` and `QVD_SLAVE_CMD` when non-empty.
    public var slaveCommand: String
    /// The agent's own `PATH`, to which `/sbin/` is appended; this process's `PATH` when
    /// `nil`.
    public var agentPath: String?
    /// The system files read in order (later files win).
    public var systemFiles: [String]
    /// The user's file, relative to the home, read last.
    public var userFileName: String
    /// Where `XDG_RUNTIME_DIR`s live (``SessionRuntimeDirectory``).
    public var runtimeDirectoryRoot: String
    /// The agent's configuration file when it was named (`--config` or `QVD_VMA_CONFIG`):
    /// becomes `QVD_VMA_CONFIG`, so the slave server nxagent starts reads the same file.
    /// `nil` (the default file) sets nothing.
    public var configFile: String?

    /// Upstream's system files, in upstream's order.
    public static let defaultSystemFiles = ["/etc/locale.conf", "/etc/default/locale", "/etc/environment"]

    public init(
        display: Int = 100,
        defaultLanguage: String = "en_US.UTF-8",
        dialogHelper: String,
        slaveCommand: String,
        agentPath: String? = nil,
        systemFiles: [String] = defaultSystemFiles,
        userFileName: String = ".qvd_environment",
        runtimeDirectoryRoot: String = SessionRuntimeDirectory.defaultRoot,
        configFile: String? = nil
    ) {
        self.display = display
        self.defaultLanguage = defaultLanguage
        self.dialogHelper = dialogHelper
        self.slaveCommand = slaveCommand
        self.agentPath = agentPath
        self.systemFiles = systemFiles
        self.userFileName = userFileName
        self.runtimeDirectoryRoot = runtimeDirectoryRoot
        self.configFile = configFile
    }
}
