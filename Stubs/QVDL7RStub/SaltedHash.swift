import Crypto

/// A secret (password or bearer token) stored as `sha256:<salt>:<hex of SHA-256(salt + secret)>`.
///
/// Upstream's Default auth plugin compares `sha256_base64(salt . password)` with one
/// global salt (`upstream-l7r-protocol.md` §3.1); the stub keeps the same construction with
/// a salt per user, and compares digests in constant time.
public struct SaltedHash: Sendable, Hashable, CustomStringConvertible {
    /// The salt, printable ASCII without `:`.
    public var salt: String
    /// The 32-byte digest.
    public var digest: [UInt8]

    public init(salt: String, digest: [UInt8]) {
        self.salt = salt
        self.digest = digest
    }

    /// Hashes `secret` with `salt` (a fresh random one when `nil`).
    public static func make(secret: String, salt: String? = nil) -> SaltedHash {
        let salt = salt ?? RandomAlphanumerics.make(count: 16)
        return SaltedHash(salt: salt, digest: Self.digest(salt: salt, secret: secret))
    }

    /// Parses the stored form; `nil` when it is not `sha256:<salt>:<64 hex digits>`.
    public static func parse(_ text: String) -> SaltedHash? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "sha256", !parts[1].isEmpty, parts[2].utf8.count == 64 else { return nil }
        var digest: [UInt8] = []
        var high: UInt8?
        for byte in parts[2].utf8 {
            guard let nibble = Self.nibble(byte) else { return nil }
            if let h = high {
                digest.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return SaltedHash(salt: String(parts[1]), digest: digest)
    }

    /// Whether `secret` hashes to this digest; the comparison takes the same time wherever
    /// the first difference is.
    public func matches(_ secret: String) -> Bool {
        let candidate = Self.digest(salt: salt, secret: secret)
        guard candidate.count == digest.count else { return false }
        var difference: UInt8 = 0
        for index in candidate.indices {
            difference |= candidate[index] ^ digest[index]
        }
        return difference == 0
    }

    /// The stored form, `sha256:<salt>:<hex>`.
    public var description: String {
        let hex = digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
        return "sha256:\(salt):\(hex)"
    }

    private static func digest(salt: String, secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Array((salt + secret).utf8)))
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
