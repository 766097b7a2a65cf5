import Crypto

/// A SHA-256 certificate fingerprint: what the pin store keys on and what `--pin` names.
///
/// Upstream's pin store writes it as OpenSSL prints it, upper-case hex pairs joined by
/// colons (`upstream-l7r-protocol.md` §1.2, `upstream-clients-observed.md` §5.5); `--pin`
/// takes `sha256:<hex>` with or without colons, in any case.
public struct CertificateFingerprint: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// The fingerprint of a DER-encoded certificate.
    public init(derCertificate: [UInt8]) {
        self.bytes = Array(SHA256.hash(data: derCertificate))
    }

    /// Parses `D2:35:…` (OpenSSL style) or plain hex; nil unless 32 bytes.
    public init?(hex: String) {
        let digits = hex.filter { $0 != ":" }
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.bytes = bytes
    }

    /// Parses a `--pin` value: `sha256:<hex>`.
    public init?(pin: String) {
        let prefix = "sha256:"
        guard pin.lowercased().hasPrefix(prefix) else { return nil }
        self.init(hex: String(pin.dropFirst(prefix.count)))
    }

    /// `D2:35:…:F4`, as upstream stores it.
    public var openSSLForm: String {
        bytes.map { byte in
            let text = String(byte, radix: 16, uppercase: true)
            return text.count == 1 ? "0" + text : text
        }.joined(separator: ":")
    }

    /// `sha256:d235…f4`: what to pass to `--pin`.
    public var pinForm: String {
        "sha256:" + bytes.map { byte in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
    }

    public var description: String { "SHA-256 " + openSSLForm }
}
