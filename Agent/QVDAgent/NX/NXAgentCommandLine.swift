import QVDCore

/// The argv that starts the X session under nxagent (`upstream-vma.md` §3.1):
///
/// `xinit <x-session> <x-session extra…> -- <nxagent> :<display> -ac -name QVD -display nx/nx,options=<file>:<display> <nxagent extra…>`
///
/// An argv array for `exec`, no shell. The environment (`NX_CLIENT`, `NX_SLAVE_CMD`,
/// `QVD_SLAVE_CMD`, HOME, USER, LANG …) and the switch to the desktop user are the launcher's
/// job (`upstream-vma.md` §3.3).
public struct NXAgentCommandLine: Equatable, Sendable {
    /// `command.xinit`, default `xinit` (found on PATH).
    public var xinit: String
    /// `command.x-session`, default `/etc/X11/Xsession`.
    public var xSession: String
    /// `command.x-session.args.extra`, already split (see ``init(xinit:xSession:xSessionExtra:nxagent:nxagentExtra:display:optionsFilePath:)``).
    public var xSessionExtraArguments: [String]
    /// `command.nxagent`, default `/usr/bin/nxagent`.
    public var nxagent: String
    /// `command.nxagent.args.extra`, already split.
    public var nxagentExtraArguments: [String]
    /// `internal.nxagent.display`, default 100.
    public var display: Int
    /// `internal.vma.nxagent.config`, default `${path.run}/nxagent.conf`.
    public var optionsFilePath: String

    public init(
        xinit: String = "xinit",
        xSession: String = "/etc/X11/Xsession",
        xSessionExtraArguments: [String] = [],
        nxagent: String = "/usr/bin/nxagent",
        nxagentExtraArguments: [String] = [],
        display: Int = 100,
        optionsFilePath: String = "/var/run/qvd/nxagent.conf"
    ) {
        self.xinit = xinit
        self.xSession = xSession
        self.xSessionExtraArguments = xSessionExtraArguments
        self.nxagent = nxagent
        self.nxagentExtraArguments = nxagentExtraArguments
        self.display = display
        self.optionsFilePath = optionsFilePath
    }

    /// The same, splitting the two configured extra-arguments strings with ``ShellWords``.
    public init(
        xinit: String = "xinit",
        xSession: String = "/etc/X11/Xsession",
        xSessionExtra: String,
        nxagent: String = "/usr/bin/nxagent",
        nxagentExtra: String,
        display: Int = 100,
        optionsFilePath: String = "/var/run/qvd/nxagent.conf"
    ) throws(NXAgentOptionsError) {
        func words(_ text: String, key: String) throws(NXAgentOptionsError) -> [String] {
            switch ShellWords.split(text) {
            case let .success(words): return words
            case let .failure(problem): throw .malformedArguments(key: key, text: text, problem: problem.description)
            }
        }
        self.init(
            xinit: xinit, xSession: xSession,
            xSessionExtraArguments: try words(xSessionExtra, key: "command.x-session.args.extra"),
            nxagent: nxagent,
            nxagentExtraArguments: try words(nxagentExtra, key: "command.nxagent.args.extra"),
            display: display, optionsFilePath: optionsFilePath)
    }

    /// The argv, checked: the display is in range, the commands are non-empty, and the options
    /// path is absolute and free of `,` `:` `=` and control characters, which would break the
    /// `nx/nx,options=<file>:<display>` display string.
    public func arguments() throws(NXAgentOptionsError) -> [String] {
        guard NXAgentOptionsConfiguration.validDisplays.contains(display) else {
            throw .invalidConfiguration(
                key: "internal.nxagent.display", value: String(display),
                expected: "a display number from 0 to \(NXAgentOptionsConfiguration.validDisplays.upperBound)")
        }
        for (key, command) in [("command.xinit", xinit), ("command.x-session", xSession), ("command.nxagent", nxagent)]
        where command.isEmpty {
            throw .invalidConfiguration(key: key, value: command, expected: "a command")
        }
        let badPathCharacters: Set<Character> = [",", ":", "="]
        guard optionsFilePath.hasPrefix("/"),
              !optionsFilePath.contains(where: { badPathCharacters.contains($0) || $0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } })
        else {
            throw .invalidConfiguration(
                key: "internal.vma.nxagent.config", value: optionsFilePath,
                expected: "an absolute path without , : = or control characters")
        }
        return [xinit, xSession] + xSessionExtraArguments + ["--", nxagent, ":\(display)", "-ac", "-name", "QVD",
                "-display", "nx/nx,options=\(optionsFilePath):\(display)"] + nxagentExtraArguments
    }
}
