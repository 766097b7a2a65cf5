/// Everything the session state machine needs from the VMA configuration.
public struct SessionConfiguration: Equatable, Sendable {
    public var timeouts: SessionTimeouts
    /// Shapes the nxagent options file.
    public var options: NXAgentOptionsConfiguration
    /// The xinit/nxagent command line. Its `display` must equal `options.display`; the
    /// initialiser sets both from one value.
    public var commandLine: NXAgentCommandLine

    /// `display` (`internal.nxagent.display`) overrides the display of `options` and
    /// `commandLine`, so the options file and the `-display` argument always agree.
    public init(display: Int? = nil,
                timeouts: SessionTimeouts = SessionTimeouts(),
                options: NXAgentOptionsConfiguration = NXAgentOptionsConfiguration(),
                commandLine: NXAgentCommandLine = NXAgentCommandLine()) {
        self.timeouts = timeouts
        self.options = options
        self.commandLine = commandLine
        if let display {
            self.options.display = display
            self.commandLine.display = display
        }
    }
}
