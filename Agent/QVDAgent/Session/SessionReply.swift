/// What an RPC caller gets back: a value, or an error message.
///
/// The RPC layer encodes `.value(s)` as the JSON string plus `\n\r\n`, and `.error(m)` as
/// `"",` + the JSON string + `\n\r\n` (`upstream-vma.md` §1.4). Error messages end in LF, as
/// upstream's Perl `die` texts do.
public enum SessionReply: Equatable, Hashable, Sendable {
    case value(String)
    case error(String)

    /// `x_start` while connected: nxagent got HUP (takeover); the L7R retries
    /// (`upstream-vma.md` §2.4; transcript step S47). Upstream's exact text.
    public static let takeoverMessage = "Can't connect to X session in state connected, suspending it, retry later\n"

    /// `x_start` in a state that can neither start nor resume. Upstream's exact text
    /// (transcript step S38).
    public static func busyMessage(_ state: ReportedSessionState) -> String {
        "Unable to start/resume X session in state \(state.rawValue), try again in a few minutes\n"
    }

    /// An error reply whose message ends in exactly one LF.
    public static func failure(_ message: String) -> SessionReply {
        .error(message.hasSuffix("\n") ? message : message + "\n")
    }
}
