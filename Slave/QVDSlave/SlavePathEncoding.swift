import QVDCore

/// How our client writes a path into a request target: every byte percent-encoded except
/// `/` and the unreserved characters, so CR, LF, spaces, `?`, `#` and non-ASCII can never
/// break the request line (upstream sent paths raw, `upstream-slave-channel.md` §6 item 7).
/// `/shares/` + `/home/alice` gives `/shares//home/alice`, upstream's shape.
public enum SlavePathEncoding {
    public static func encode(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { QueryString.percentEncode($0) }
            .joined(separator: "/")
    }
}
