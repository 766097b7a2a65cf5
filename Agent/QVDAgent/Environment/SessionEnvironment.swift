#if canImport(Glibc)
import Glibc
#endif
import Logging
import QVDCore

/// The environment the X session (`xinit`, the session script, nxagent) starts with
/// (`upstream-vma.md` §3.3; `upstream-vma-observed.md` §4.11).
///
/// Built from nothing (the agent's own environment never leaks into the session), in order:
/// 1. `HOME`, `USER`, `LOGNAME`, `MAIL=/var/mail/<user>`, `SHELL` from the user database,
///    `PATH` = the agent's `PATH` plus `:/sbin/` (as upstream's qvd-vma.pl), `DISPLAY=:<display>`,
///    `XDG_RUNTIME_DIR=/run/user/<uid>` (ours; ``SessionRuntimeDirectory`` creates it);
/// 2. `NAME=VALUE` lines of `/etc/locale.conf`, `/etc/default/locale`, `/etc/environment`
///    (``EnvironmentFileParser``: comments stripped and, unlike upstream, surrounding quotes
///    removed), then of `~/.qvd_environment` (upstream means to read it but never does, because
///    of a quoting bug; we read it, with ``EnvironmentFileReader/readUserFile(_:ownerID:)``'s
///    checks). Later lines win. Lines setting `HOME`, `USER`, `LOGNAME`, `DISPLAY` or
///    `XDG_RUNTIME_DIR` are ignored with a warning (ours: the session would not work);
/// 3. `LANG` ← `vma.default.lang` when still unset or empty;
/// 4. `NX_CLIENT` = the dialog helper; `NX_SLAVE_CMD` and `QVD_SLAVE_CMD` = `vma.slave.command`
///    when non-empty (set even with `vma.slave.enable=0`, as upstream);
/// 5. `QVD_VMA_CONFIG` = the agent's configuration file when one was named (ours: the slave
///    server, a child of nxagent, then reads the same configuration).
///
/// Missing files are skipped silently; every skipped line or refused file is a warning, logged
/// and kept in ``warnings``.
public struct SessionEnvironment: Sendable, Hashable {
    /// The session's variables.
    public let variables: [String: String]
    /// What was skipped, in the order met.
    public let warnings: [SessionEnvironmentWarning]

    /// Variables the agent decides, which environment files may not change.
    public static let protectedNames: Set<String> = ["HOME", "USER", "LOGNAME", "DISPLAY", "XDG_RUNTIME_DIR"]

    public init(variables: [String: String], warnings: [SessionEnvironmentWarning] = []) {
        self.variables = variables
        self.warnings = warnings
    }

    /// The environment to hand to ``ChildProcessConfiguration/environment``.
    public var childProcessEnvironment: ChildProcessEnvironment { .exactly(variables) }

    /// Builds the environment for `identity` (reads the files; call it from a task).
    public static func build(
        for identity: SessionIdentity,
        configuration: SessionEnvironmentConfiguration,
        logger: Logger
    ) -> SessionEnvironment {
        var variables: [String: String] = [
            "HOME": identity.homeDirectory,
            "USER": identity.userName,
            "LOGNAME": identity.userName,
            "MAIL": "/var/mail/\(identity.userName)",
            "SHELL": identity.shell,
            "PATH": sessionPath(agentPath: configuration.agentPath ?? currentPath()),
            "DISPLAY": ":\(configuration.display)",
            "XDG_RUNTIME_DIR": SessionRuntimeDirectory.path(for: identity.userID, root: configuration.runtimeDirectoryRoot),
        ]
        var warnings: [SessionEnvironmentWarning] = []

        func apply(_ outcome: EnvironmentFileReader.Outcome, file: String) {
            switch outcome {
            case .missing:
                return
            case .unreadable(let errno):
                warnings.append(.unreadableFile(file: file, errno: errno))
            case .refused(let reason):
                warnings.append(.refusedFile(file: file, reason: reason))
            case .contents(let bytes):
                let parsed = EnvironmentFileParser.parse(bytes)
                var lineWarnings = parsed.problems.map { ($0.lineNumber, SessionEnvironmentWarning.malformedLine(file: file, lineNumber: $0.lineNumber, problem: $0.problem)) }
                for entry in parsed.entries {
                    if protectedNames.contains(entry.name) {
                        lineWarnings.append((entry.lineNumber, .protectedVariable(file: file, lineNumber: entry.lineNumber, name: entry.name)))
                    } else {
                        variables[entry.name] = entry.value
                    }
                }
                warnings += lineWarnings.sorted { $0.0 < $1.0 }.map(\.1)
            }
        }

        for file in configuration.systemFiles {
            apply(EnvironmentFileReader.readSystemFile(file), file: file)
        }
        let home = identity.homeDirectory.hasSuffix("/") ? identity.homeDirectory : identity.homeDirectory + "/"
        let userFile = home + configuration.userFileName
        apply(EnvironmentFileReader.readUserFile(userFile, ownerID: identity.userID), file: userFile)

        if variables["LANG", default: ""].isEmpty {
            variables["LANG"] = configuration.defaultLanguage
        }
        if !configuration.dialogHelper.isEmpty {
            variables["NX_CLIENT"] = configuration.dialogHelper
        }
        if !configuration.slaveCommand.isEmpty {
            variables["NX_SLAVE_CMD"] = configuration.slaveCommand
            variables["QVD_SLAVE_CMD"] = configuration.slaveCommand
        }
        if let configFile = configuration.configFile, !configFile.isEmpty {
            variables["QVD_VMA_CONFIG"] = configFile
        }
        for warning in warnings {
            logger.warning("session environment for \(identity.userName): \(warning)")
        }
        return SessionEnvironment(variables: variables, warnings: warnings)
    }

    /// The agent's `PATH` with `/sbin/` appended (upstream's qvd-vma.pl adds it to its own
    /// `PATH`, which the session inherits), unless it is already there; the default search
    /// path when the agent has none.
    public static func sessionPath(agentPath: String?) -> String {
        guard let agentPath, !agentPath.isEmpty else { return ChildProcessEnvironment.defaultPath }
        let components = agentPath.split(separator: ":")
        if components.contains("/sbin/") || components.contains("/sbin") { return agentPath }
        return agentPath + ":/sbin/"
    }

    private static func currentPath() -> String? {
        getenv("PATH").map { String(cString: $0) }
    }
}
