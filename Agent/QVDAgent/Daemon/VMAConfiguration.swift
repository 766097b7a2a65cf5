import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import QVDCore
import QVDHooks

/// The agent's configuration as typed values, read once from `vma.conf` and the defaults
/// table (STYLE.md §4): the daemon and its parts read fields, never key strings.
/// Keys are upstream's (`upstream-vma.md` §9) plus ours (Core's `VMAConfigDefaults`).
public struct VMAConfiguration: Sendable {
    /// `vma.address` (empty: every interface) and `internal.vm.port.vma` (3030).
    public var address: String?
    public var port: Int
    /// `path.run`, `path.log`.
    public var runDirectory: String
    public var logDirectory: String
    /// `vma.pid_file`.
    public var pidFile: String
    /// `internal.vma.nxagent.config`, `internal.vma.slave.config`, `internal.vma.printing.config`.
    public var files: SessionStateFiles
    /// Everything the session state machine needs.
    public var session: SessionConfiguration
    /// Hooks: keys, `.d` directory, timeout, identity, hooks log.
    public var hooks: HookConfiguration
    /// Built-in provisioning.
    public var provisioning: ProvisioningConfiguration
    /// The X session's environment.
    public var environment: SessionEnvironmentConfiguration
    /// `vma.user.shares.path` (relative to the user's home): where client shares are mounted.
    public var sharesPath: String
    /// `command.poweroff`, split into words.
    public var poweroffCommand: [String]
    /// `vma.user.umask`.
    public var umask: mode_t
    /// `vma.printing.enable`, `vma.slave.enable`.
    public var printingEnabled: Bool
    public var slaveEnabled: Bool

    public init(_ config: Configuration, environment processEnvironment: [String: String]) throws(ConfigError) {
        let address = try config.string("vma.address")
        self.address = address.isEmpty ? nil : address
        port = try config.int("internal.vm.port.vma", in: 1...65535)
        runDirectory = try config.path("path.run")
        logDirectory = try config.path("path.log")
        pidFile = try config.path("vma.pid_file")
        files = SessionStateFiles(
            runDirectory: runDirectory,
            optionsFilePath: try config.path("internal.vma.nxagent.config"),
            slaveConfigPath: try config.path("internal.vma.slave.config"),
            printingConfigPath: try config.path("internal.vma.printing.config"))

        let display = try config.int("internal.nxagent.display", in: NXAgentOptionsConfiguration.validDisplays)
        printingEnabled = try config.bool("vma.printing.enable")
        slaveEnabled = try config.bool("vma.slave.enable")
        var defaults: [NXAgentClientOption: String] = [:]
        for option in NXAgentClientOption.allCases {
            if let value = try config.optionalString(option.upstreamDefaultKey), !value.isEmpty {
                defaults[option] = value
            }
        }
        let options = NXAgentOptionsConfiguration(
            display: display,
            audioEnabled: try config.bool("vma.audio.enable"),
            slaveEnabled: slaveEnabled,
            printingEnabled: printingEnabled,
            toleranceChecks: try config.string("internal.vma.nxagent.tolerancechecks"),
            defaults: defaults)
        let commandLine = NXAgentCommandLine(
            xinit: try config.string("command.xinit"),
            xSession: try config.string("command.x-session"),
            xSessionExtraArguments: try config.list("command.x-session.args.extra", style: .shellWords),
            nxagent: try config.string("command.nxagent"),
            nxagentExtraArguments: try config.list("command.nxagent.args.extra", style: .shellWords),
            display: display,
            optionsFilePath: files.optionsFilePath)
        let timeouts = SessionTimeouts(
            starting: try config.double("internal.nxagent.timeout.starting", in: 1...86_400),
            provisioning: try config.double("internal.nxagent.timeout.provisioning", in: 1...86_400),
            listening: try config.double("internal.nxagent.timeout.listening", in: 1...86_400),
            suspending: try config.double("internal.nxagent.timeout.suspending", in: 1...86_400),
            stopping: try config.double("internal.nxagent.timeout.stopping", in: 1...86_400))
        session = SessionConfiguration(display: display, timeouts: timeouts, options: options, commandLine: commandLine)

        var hookSettings: [String: String] = [:]
        for prefix in ["vma.on_action.", "vma.on_state.", "vma.on_provisioning."] {
            for key in config.keys(withPrefix: prefix) {
                hookSettings[key] = try config.string(key)
            }
        }
        let hookTimeout = try config.double("vma.hook.timeout", in: 0...86_400)
        let credentials: ChildProcessCredentials?
        do {
            credentials = try HookIdentity.credentials(
                user: try config.string("vma.as_user"), group: try config.string("vma.as_group"))
        } catch {
            throw ConfigError.badSetting(argument: "vma.as_user / vma.as_group", option: "vma.conf", problem: "\(error)")
        }
        var hookEnvironment = processEnvironment
        hookEnvironment["QVD_VMA_CONFIG"] = nil
        hooks = HookConfiguration(
            hooks: HookConfiguration.hooks(fromSettings: hookSettings),
            directory: try config.path("vma.hook.directory"),
            timeout: hookTimeout > 0 ? .milliseconds(Int64(hookTimeout * 1000)) : nil,
            credentials: credentials,
            hooksLogPath: HookConfiguration.hooksLogPath(logDirectory: logDirectory),
            baseEnvironment: hookEnvironment)

        provisioning = ProvisioningConfiguration(
            defaultUserName: try config.string("vma.user.default.name"),
            defaultUserGroups: try config.string("vma.user.default.groups"),
            homeRoot: try config.path("vma.user.home.path"),
            homeDrive: try config.string("vma.user.home.drive"),
            homeFilesystem: try config.string("vma.user.home.fs"),
            userShell: try config.string("vma.user.shell"),
            groupaddCommand: try config.string("command.groupadd"),
            useraddCommand: try config.string("command.useradd"),
            userdelCommand: try config.string("command.userdel"),
            groupdelCommand: try config.string("command.groupdel"),
            mountCommand: try config.string("command.mount"))

        self.environment = SessionEnvironmentConfiguration(
            display: display,
            defaultLanguage: try config.string("vma.default.lang"),
            dialogHelper: try config.string("command.nxdiag"),
            slaveCommand: try config.string("vma.slave.command"),
            agentPath: processEnvironment["PATH"])
        sharesPath = try config.string("vma.user.shares.path")
        poweroffCommand = try config.list("command.poweroff", style: .shellWords)
        umask = mode_t(try config.int("vma.user.umask", in: 0...0o777, radix: 8))
    }
}
