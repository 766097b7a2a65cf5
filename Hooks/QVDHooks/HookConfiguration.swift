import QVDCore

/// What the hook runner needs from the agent's configuration, as a typed value
/// (`upstream-vma.md §4`; spec README, "deliberately differs" item 2).
public struct HookConfiguration: Sendable {
    /// `vma.hook.directory`'s default.
    public static let defaultDirectory = "/etc/qvd/hooks"
    /// `vma.hook.timeout`'s default: upstream waited forever (`upstream-vma.md §4.2`).
    public static let defaultTimeout: Duration = .seconds(60)
    /// The hooks log's file name inside `path.log`.
    public static let hooksLogFileName = "qvd-hooks.log"

    /// The single hook configured per event (`vma.on_action.connect = /path`). Events
    /// without an entry, or with an empty path, have none (upstream's default).
    public var hooks: [HookEvent: String]
    /// Where the run-parts folders live (`vma.hook.directory`); `nil` disables them.
    public var directory: String?
    /// How long each executable may run (`vma.hook.timeout`); `nil` waits forever.
    public var timeout: Duration?
    /// On timeout the process group gets `SIGTERM`, then `SIGKILL` after this grace.
    public var terminationGrace: Duration
    /// Who the hooks run as; `nil` keeps the agent's identity. Upstream ran them as uid 0
    /// with the gid and only supplementary group of `vma.as_group` (`nogroup`), see
    /// ``HookIdentity``.
    public var credentials: ChildProcessCredentials?
    /// `${path.log}/qvd-hooks.log`: gets every hook's stdout and stderr and one line per
    /// run. `nil` discards hook output and writes the run lines only to the agent's logger.
    public var hooksLogPath: String?
    /// The agent's environment, the base of every hook's (see ``HookEnvironment``).
    public var baseEnvironment: [String: String]
    /// Where hooks run: `/`, as upstream's daemonised agent did.
    public var workingDirectory: String
    /// Masks secrets in the run lines; add the slave key or tokens as literal secrets if
    /// they may appear under other keys.
    public var redactor: LogRedactor

    public init(
        hooks: [HookEvent: String] = [:],
        directory: String? = HookConfiguration.defaultDirectory,
        timeout: Duration? = HookConfiguration.defaultTimeout,
        terminationGrace: Duration = .seconds(2),
        credentials: ChildProcessCredentials? = nil,
        hooksLogPath: String? = nil,
        baseEnvironment: [String: String] = ChildProcessEnvironment.inherited.resolved(),
        workingDirectory: String = "/",
        redactor: LogRedactor = .standard
    ) {
        self.hooks = hooks
        self.directory = directory
        self.timeout = timeout
        self.terminationGrace = terminationGrace
        self.credentials = credentials
        self.hooksLogPath = hooksLogPath
        self.baseEnvironment = baseEnvironment
        self.workingDirectory = workingDirectory
        self.redactor = redactor
    }

    /// `<logDirectory>/qvd-hooks.log`.
    public static func hooksLogPath(logDirectory: String) -> String {
        (logDirectory.hasSuffix("/") ? logDirectory : logDirectory + "/") + hooksLogFileName
    }

    /// The hook table from configuration values keyed by their configuration keys
    /// (`vma.on_action.pre-connect` …); other keys are ignored, empty values mean none.
    public static func hooks(fromSettings settings: [String: String]) -> [HookEvent: String] {
        var hooks: [HookEvent: String] = [:]
        for event in HookEvent.allCases {
            if let path = settings[event.configurationKey], !path.isEmpty {
                hooks[event] = path
            }
        }
        return hooks
    }

    /// The configured single hook for `event`, or `nil`.
    public func configuredHook(for event: HookEvent) -> String? {
        guard let path = hooks[event], !path.isEmpty else { return nil }
        return path
    }

    /// The `.d` folder for `event`, or `nil` when folders are disabled.
    public func hookDirectory(for event: HookEvent) -> HookDirectory? {
        directory.map { HookDirectory(directory: $0, event: event) }
    }
}
