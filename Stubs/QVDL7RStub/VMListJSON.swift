/// The body of `list_of_vm` exactly as upstream's `JSON->ascii->pretty` writes it
/// (`upstream-clients-observed.md` §8.2 item 1; transcript `l7r-raw-requests`): 3-space
/// indent, `"key" : value`, a trailing newline, non-ASCII escaped as `\uXXXX`, `[]\n` when
/// empty, and **integers** for `id`, `blocked` and `is_application` (the C client requires
/// integers). Upstream's key order is random; ours is fixed: id, name, state, blocked,
/// is_application.
public enum VMListJSON {
    /// One entry of the list.
    public struct Entry: Sendable, Hashable {
        public var id: Int
        public var name: String
        public var state: String
        public var blocked: Bool
        public var isApplication: Bool

        public init(id: Int, name: String, state: String, blocked: Bool, isApplication: Bool) {
            self.id = id
            self.name = name
            self.state = state
            self.blocked = blocked
            self.isApplication = isApplication
        }
    }

    /// The body text.
    public static func encode(_ entries: [Entry]) -> String {
        guard !entries.isEmpty else { return "[]\n" }
        let objects = entries.map { entry in
            "   {\n"
                + "      \"id\" : \(entry.id),\n"
                + "      \"name\" : \(quote(entry.name)),\n"
                + "      \"state\" : \(quote(entry.state)),\n"
                + "      \"blocked\" : \(entry.blocked ? 1 : 0),\n"
                + "      \"is_application\" : \(entry.isApplication ? 1 : 0)\n"
                + "   }"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    /// A JSON string literal with every non-ASCII character escaped (JSON::XS `ascii`).
    public static func quote(_ text: String) -> String {
        var out = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default:
                let hex = String(unit, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return out + "\""
    }
}
