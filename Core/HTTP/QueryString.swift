/// Query-string decoding as upstream QVD does it, and encoding for our clients.
///
/// Decoding mirrors `QVD::URI::uri_query_split` (`upstream-l7r-protocol.md` §2,
/// `upstream-vma.md` §1.3):
/// - the query is split on `&`, each piece on its **first** `=` (`a=b=c` is `a` → `b=c`);
/// - a piece without `=` is a key with no value (`nil`);
/// - in names and values `+` becomes a space, then every `%XX` (two hex digits, any case)
///   becomes the byte `XX`; the bytes are read as UTF-8.
///
/// Decisions where upstream's output is bytes and ours must be a `String`:
/// - A `%` not followed by two hex digits (`%zz`, `%G1`, `%4`, a trailing `%`) is kept
///   literally, as upstream's `s/%([a-fA-F0-9]{2})/…/` does: `%zz` → `%zz`.
/// - Decoded bytes that are not valid UTF-8 (`%FF`, `%C3` alone) become U+FFFD in the
///   `String` API; `decodeBytes` gives the exact bytes for callers that must pass them on.
/// - Empty pieces (`a&&b`, a leading or trailing `&`) are skipped. Upstream turns an
///   interior empty piece into a key `""` with no value; it carries nothing, and after
///   upstream's hash conversion it only ever shadows a real `=v` piece's empty key.
///
/// Encoding percent-encodes every byte of the UTF-8 form except the unreserved characters
/// `A–Z a–z 0–9 - . _ ~` (space becomes `%20`), as Perl's `uri_escape` does for the Perl
/// client (`upstream-l7r-protocol.md` §5.1).
public enum QueryString {
    /// One decoded pair as raw bytes (see `decodeBytes`).
    public struct RawParameter: Sendable, Hashable {
        public var name: [UInt8]
        public var value: [UInt8]?

        public init(name: [UInt8], value: [UInt8]?) {
            self.name = name
            self.value = value
        }
    }

    /// The ordered parameters of `query` (the part after `?`, without `#fragment`).
    ///
    /// `"a=%zz&b=1+2&flag&&=v&c=%41%42"` →
    /// `[a: "%zz", b: "1 2", flag: nil, "": "v", c: "AB"]`.
    public static func decode(_ query: some StringProtocol) -> [QueryParameter] {
        decodeBytes(query).map {
            QueryParameter(
                String(decoding: $0.name, as: UTF8.self),
                $0.value.map { String(decoding: $0, as: UTF8.self) }
            )
        }
    }

    /// The ordered parameters of `query` as exact bytes, for values that may not be UTF-8.
    public static func decodeBytes(_ query: some StringProtocol) -> [RawParameter] {
        var result: [RawParameter] = []
        for piece in Array(query.utf8).split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if let equals = piece.firstIndex(of: UInt8(ascii: "=")) {
                result.append(
                    RawParameter(
                        name: unescape(piece[piece.startIndex..<equals], plusAsSpace: true),
                        value: unescape(piece[piece.index(after: equals)...], plusAsSpace: true)
                    )
                )
            } else {
                result.append(RawParameter(name: unescape(piece, plusAsSpace: true), value: nil))
            }
        }
        return result
    }

    /// `%XX` decoding of `text` (and `+` → space when `plusAsSpace`), with malformed escapes
    /// kept literally; invalid UTF-8 becomes U+FFFD.
    public static func percentDecode(_ text: some StringProtocol, plusAsSpace: Bool = false) -> String {
        String(decoding: unescape(Array(text.utf8)[...], plusAsSpace: plusAsSpace), as: UTF8.self)
    }

    /// `name=value&…` with every byte but the unreserved characters percent-encoded; a
    /// parameter whose value is `nil` is written as its name alone.
    public static func encode(_ parameters: [QueryParameter]) -> String {
        parameters.map { parameter in
            let name = percentEncode(parameter.name)
            guard let value = parameter.value else { return name }
            return "\(name)=\(percentEncode(value))"
        }.joined(separator: "&")
    }

    /// `text` with every byte of its UTF-8 form except `A–Z a–z 0–9 - . _ ~` written as
    /// `%XX` (upper-case hex).
    public static func percentEncode(_ text: some StringProtocol) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Implementation

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Upstream's `uri_unescape_plus`: `tr/+/ /` first, then `%XX` → byte.
    static func unescape(_ bytes: ArraySlice<UInt8>, plusAsSpace: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), bytes.endIndex - index >= 3,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
                continue
            }
            out.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        return out
    }
}
