/// Limits and character policy of the head parsers.
///
/// The defaults are the project's limits (issue 2): a head of at most 16 KiB, at most 100
/// header lines, a request (or status) line of at most 8 KiB. Upstream has no limits at all.
public struct HTTPHeadParserConfiguration: Sendable, Hashable {
    /// What to do with bytes ≥ 0x80.
    public enum NonASCIIPolicy: Sendable, Hashable {
        /// Refuse them anywhere in the head (`400`).
        case reject
        /// Accept valid UTF-8 in the request target, the reason phrase and header values
        /// (still `400` for invalid UTF-8, and anywhere else). Upstream's Perl client sends
        /// a share's local path raw, so a folder with a non-ASCII name arrives as raw UTF-8
        /// in `PUT /shares/<path>` (`upstream-slave-channel.md` §2.2 A): a slave server
        /// that must serve it needs this.
        case acceptUTF8
    }

    /// Largest head, from the first byte (leading blank lines included) to the end of the
    /// blank line that ends it; larger gives `431`.
    public var maxHeadBytes: Int
    /// Most header lines (continuation lines count); more gives `431`.
    public var maxHeaderLines: Int
    /// Longest request or status line, without its line end; longer gives `414`.
    public var maxStartLineBytes: Int
    public var nonASCII: NonASCIIPolicy

    public init(
        maxHeadBytes: Int = 16 * 1024,
        maxHeaderLines: Int = 100,
        maxStartLineBytes: Int = 8 * 1024,
        nonASCII: NonASCIIPolicy = .reject
    ) {
        self.maxHeadBytes = maxHeadBytes
        self.maxHeaderLines = maxHeaderLines
        self.maxStartLineBytes = maxStartLineBytes
        self.nonASCII = nonASCII
    }

    /// The server-side default: ASCII only.
    public static let requests = HTTPHeadParserConfiguration()
    /// The client-side default: UTF-8 accepted in reason phrases and header values, so a
    /// server's non-ASCII progress text does not break a connection.
    public static let responses = HTTPHeadParserConfiguration(nonASCII: .acceptUTF8)
}
