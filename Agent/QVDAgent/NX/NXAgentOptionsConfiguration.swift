/// The VMA configuration that shapes the nxagent options file (`upstream-vma.md` §3.2, §9).
///
/// The I/O shell fills it from the parsed `vma.conf`; defaults are upstream's.
public struct NXAgentOptionsConfiguration: Equatable, Sendable {
    /// `internal.nxagent.display`. NX port 4000+D, printing 2000+D, slave 11000+D.
    public var display: Int
    /// `vma.audio.enable`: adds `media=1`.
    public var audioEnabled: Bool
    /// `vma.slave.enable`: adds `slave=1`.
    public var slaveEnabled: Bool
    /// `vma.printing.enable`: with a truthy `qvd.client.printing.enabled`, adds `cups=<port>`,
    /// or `smb=<port>` for `qvd.client.os=windows`.
    public var printingEnabled: Bool
    /// `internal.vma.nxagent.tolerancechecks`; `strict`, `safe`, `risky` or `bypass`, or empty
    /// to leave the option out.
    public var toleranceChecks: String
    /// Fallbacks for a **missing** client parameter, read by the shell from the configuration
    /// (upstream looks up `vma.default.<parameter key>`, see
    /// ``NXAgentClientOption/upstreamDefaultKey``; Defaults.pm also names
    /// `vma.default.client.keyboard` and `vma.default.client.link`). When absent, the option's
    /// ``NXAgentClientOption/builtInDefault`` applies (`README.md`, deliberate difference 3).
    public var defaults: [NXAgentClientOption: String]

    public init(
        display: Int = 100,
        audioEnabled: Bool = false,
        slaveEnabled: Bool = false,
        printingEnabled: Bool = false,
        toleranceChecks: String = "risky",
        defaults: [NXAgentClientOption: String] = [:]
    ) {
        self.display = display
        self.audioEnabled = audioEnabled
        self.slaveEnabled = slaveEnabled
        self.printingEnabled = printingEnabled
        self.toleranceChecks = toleranceChecks
        self.defaults = defaults
    }

    /// The port nxagent forwards printing on: display + 2000 (`upstream-vma.md` §3.2).
    public var printingPort: Int { display + 2000 }

    /// Displays whose derived ports (up to 11000 + D) all fit in TCP's range.
    public static let validDisplays = 0...54535

    static let toleranceCheckValues = ["strict", "safe", "risky", "bypass"]
}
