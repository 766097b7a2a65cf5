import QVDCore

/// The protocol upgrade a share request asks for: `Connection: Upgrade` and
/// `Upgrade: qvd:sftp/1.0[;charset=<cs>]` (`upstream-slave-channel.md` §2.2 A/B).
///
/// Upstream matches the `Upgrade` value with an unanchored regex and goes on after a
/// mismatch; here the whole value must match, and a mismatch ends the request with `400`.
/// The charset becomes part of an sshfs option, so it is limited to the characters charset
/// names use (no `,` or `=` that could smuggle more options in).
public struct SlaveUpgrade: Sendable, Hashable {
    /// The protocol token, e.g. `qvd:sftp/1.0`.
    public static let sftp = "qvd:sftp/1.0"

    /// The charset the client's file names are in; `nil` when none was given.
    public var charset: String?

    public init(charset: String? = nil) {
        self.charset = charset
    }

    /// Whether names need converting: a charset other than UTF-8 was given.
    public var needsConversion: Bool {
        guard let charset else { return false }
        let folded = charset.lowercased()
        return folded != "utf-8" && folded != "utf8"
    }

    /// The upgrade in `headers`, or why it is not one we serve.
    public static func parse(_ headers: HTTPHeaders, protocol token: String = sftp) -> Result<SlaveUpgrade, SlaveRefusal> {
        guard headers.containsToken("Upgrade", inFieldNamed: HTTPHeaderName.connection) else {
            return .failure(SlaveRefusal(status: .badRequest, message: "This request needs Connection: Upgrade.\n"))
        }
        guard let value = headers[HTTPHeaderName.upgrade]?.httpTrimmed else {
            return .failure(SlaveRefusal(status: .badRequest, message: "This request needs Upgrade: \(token).\n"))
        }
        let parts = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts[0].httpTrimmedSubstring.lowercased() == token.lowercased() else {
            return .failure(SlaveRefusal(status: .badRequest, message: "Unsupported upgrade; this server speaks \(token).\n"))
        }
        guard parts.count == 2 else { return .success(SlaveUpgrade()) }
        let parameter = parts[1].httpTrimmedSubstring
        let prefix = "charset="
        guard parameter.lowercased().hasPrefix(prefix) else {
            return .failure(SlaveRefusal(status: .badRequest, message: "Unsupported upgrade parameter; only charset=<name> is known.\n"))
        }
        let charset = String(parameter.dropFirst(prefix.count))
        guard isCharsetName(charset) else {
            return .failure(SlaveRefusal(status: .badRequest, message: "The charset name is not one iconv could know.\n"))
        }
        return .success(SlaveUpgrade(charset: charset))
    }

    /// 1–40 of `A–Z a–z 0–9 . _ : + -`.
    static func isCharsetName(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return (1...40).contains(bytes.count) && bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: ":"), UInt8(ascii: "+"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }
}

extension Substring {
    var httpTrimmedSubstring: String { String(self).httpTrimmed }
}
