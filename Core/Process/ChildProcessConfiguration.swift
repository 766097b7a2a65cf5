/// Everything about how to start one child process: a typed value built once and handed
/// to ``ChildProcess/run(_:timeout:)`` or ``ChildProcess/start(_:)``.
///
/// The program is executed directly with ``arguments`` as its argv, never through a shell,
/// so spaces, quotes and `$` in arguments reach it untouched.
public struct ChildProcessConfiguration: Sendable {
    /// An absolute path, a path relative to ``workingDirectory`` (when it contains `/`),
    /// or a bare name looked up in the child's `PATH` (``ChildProcessEnvironment/defaultPath``
    /// when the child has none).
    public var executable: String
    /// The arguments after argv[0].
    public var arguments: [String]
    /// argv[0]; the resolved executable path when `nil`.
    public var argumentZero: String?
    /// Exactly `PATH` by default (see ``ChildProcessEnvironment``).
    public var environment: ChildProcessEnvironment
    /// The child's working directory; ours when `nil`.
    public var workingDirectory: String?
    /// The user and groups to run as; ours when `nil`.
    public var credentials: ChildProcessCredentials?
    /// A new process group by default, so timeouts reach grandchildren.
    public var processGroup: ChildProcessGroupMode
    public var standardInput: ChildProcessInput
    public var standardOutput: ChildProcessOutput
    public var standardError: ChildProcessOutput
    /// How long a child (and its group) gets between `SIGTERM` and `SIGKILL` when a
    /// timeout expires or ``ChildProcessHandle/terminate(grace:)`` is called without a
    /// grace of its own. Zero sends `SIGKILL` at once.
    public var terminationGrace: Duration

    public init(
        executable: String,
        arguments: [String] = [],
        argumentZero: String? = nil,
        environment: ChildProcessEnvironment = .minimal,
        workingDirectory: String? = nil,
        credentials: ChildProcessCredentials? = nil,
        processGroup: ChildProcessGroupMode = .newGroup,
        standardInput: ChildProcessInput = .null,
        standardOutput: ChildProcessOutput = .discard,
        standardError: ChildProcessOutput = .discard,
        terminationGrace: Duration = .seconds(2)
    ) {
        self.executable = executable
        self.arguments = arguments
        self.argumentZero = argumentZero
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.credentials = credentials
        self.processGroup = processGroup
        self.standardInput = standardInput
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.terminationGrace = terminationGrace
    }
}
