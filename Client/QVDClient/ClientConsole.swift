/// Where the client talks to its user: progress and warnings (stderr), results (stdout),
/// and whether it may ask questions. The command uses a terminal; tests record.
public protocol ClientConsole: Sendable {
    /// True when stdin and stderr are a terminal, so questions can be asked.
    var isInteractive: Bool { get }
    /// A progress or warning line for stderr.
    func status(_ line: String)
    /// Result text for stdout (a VM table, JSON).
    func output(_ text: String)
    /// Asks a question on the terminal and returns the answer line (nil at end of input).
    func ask(_ prompt: String) -> String?
    /// True when stderr is a terminal that progress may be redrawn on in place
    /// (`ConnectProgress.Style.live`). Defaults to false.
    var showsLiveProgress: Bool { get }
    /// Writes terminal text to stderr as it is, no newline added (spinner frames).
    /// Defaults to `status`.
    func progressFrame(_ text: String)
}

extension ClientConsole {
    public var showsLiveProgress: Bool { false }
    public func progressFrame(_ text: String) { status(text) }
}
