/// Which URLs the client's desktop may be asked to open: `http://` or `https://` with a
/// host, printable ASCII only (no spaces or controls that a handler might split on), not
/// starting with `-` (so it can never read as an option), at most 8 KiB.
public enum OpenURLPolicy {
    public static func validate(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard (1...8192).contains(bytes.count), bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            rest = text.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = text.dropFirst(7)
        } else {
            return nil
        }
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !host.isEmpty, !host.hasPrefix("@"), !host.hasPrefix(":") else { return nil }
        return text
    }
}
