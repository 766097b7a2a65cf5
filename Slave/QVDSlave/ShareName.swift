/// The name of a share's mount directory under `vma.user.shares.path`, which is also its
/// ticket (`X-QVD-Share-Ticket`).
///
/// Upstream's rule (`upstream-slave-channel.md` §2.2 A step 3): strip trailing `:`, `/` and
/// `\`, take the last component split on `/` or `\`, `Root` when nothing is left
/// (`/home/alice` → `alice`, `/` → `Root`, `C:\` → `C`). Upstream used that string as a
/// directory name as it was (§6 item 7); here it is also made safe: control characters
/// become `_`, a name of only dots (`.`, `..`) has its dots replaced by `_`, and it is cut
/// to ``maxBytes`` bytes of UTF-8 so a ` (NN)` suffix still fits a file name.
public struct ShareName: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Longest derived name, in UTF-8 bytes, before any ` (n)` suffix.
    public static let maxBytes = 200
    /// Longest name accepted back from a peer (a file name's limit).
    public static let maxValidBytes = 255

    public let value: String

    private init(unchecked value: String) {
        self.value = value
    }

    /// A name a peer sent back (a ticket, a `DELETE /shares/<name>`): accepted only when it
    /// could have been made by ``derive(fromClientPath:)`` plus a suffix, i.e. it is one
    /// plain directory entry. `nil` otherwise.
    public init?(validating text: String) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= Self.maxValidBytes,
              !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }),
              !bytes.allSatisfy({ $0 == UInt8(ascii: ".") }),
              !text.contains("\u{FFFD}")
        else { return nil }
        self.value = text
    }

    /// The name for a client folder path, as described above.
    public static func derive(fromClientPath path: String) -> ShareName {
        var trimmed = Substring(path)
        while let last = trimmed.last, last == ":" || last == "/" || last == "\\" { trimmed.removeLast() }
        let last = trimmed.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }.last.map(String.init) ?? ""
        if last.isEmpty { return ShareName(unchecked: "Root") }
        var cleaned = String(last.unicodeScalars.map { scalar -> Character in
            scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{FFFD}" ? "_" : Character(scalar)
        })
        if cleaned.allSatisfy({ $0 == "." }) {
            cleaned = String(repeating: "_", count: cleaned.count)
        }
        return ShareName(unchecked: truncated(cleaned, toBytes: maxBytes))
    }

    /// `name (n)`, the de-duplicated form used when `name` is taken (upstream answered 409).
    public func withSuffix(_ number: Int) -> ShareName {
        number <= 1 ? self : ShareName(unchecked: "\(value) (\(number))")
    }

    public var description: String { value }

    public static func < (lhs: ShareName, rhs: ShareName) -> Bool { lhs.value < rhs.value }

    /// The longest prefix of `text` of whole characters within `limit` UTF-8 bytes.
    static func truncated(_ text: String, toBytes limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > limit { break }
            result.append(character)
            used += size
        }
        return result
    }
}
