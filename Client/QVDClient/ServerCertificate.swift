import Foundation

/// The certificate a server presented, as `qvdclient` shows it before the user decides to
/// trust it (issue 4: subject, issuer, validity, SHA-256 fingerprint). Built from the
/// leaf's DER bytes; a certificate whose fields cannot be read still has its fingerprint.
public struct ServerCertificate: Sendable, Hashable {
    public let der: [UInt8]
    public let fingerprint: CertificateFingerprint
    /// Nil when the DER could not be read (`fieldsError` says why).
    public let fields: CertificateDERReader.Fields?
    public let fieldsError: CertificateDERError?

    public init(der: [UInt8]) {
        self.der = der
        self.fingerprint = CertificateFingerprint(derCertificate: der)
        do {
            fields = try CertificateDERReader.read(der)
            fieldsError = nil
        } catch {
            fields = nil
            fieldsError = error
        }
    }

    /// The subject's CN: the pin store's `description.cn`.
    public var commonName: String? { fields?.commonName }

    /// The lines shown before the question and by `qvdclient --trust`:
    ///
    /// ```
    ///   subject:     CN=localhost
    ///   issuer:      CN=localhost (self-signed)
    ///   valid:       2026-11-27 01:00:00 UTC to 2026-11-28 01:00:00 UTC
    ///   fingerprint: SHA-256 D2:35:…:F4
    /// ```
    public func detailLines(now: Date = Date()) -> [String] {
        var lines: [String] = []
        if let fields {
            lines.append("  subject:     \(fields.subject)")
            lines.append("  issuer:      \(fields.issuer)\(fields.issuer == fields.subject ? " (self-signed)" : "")")
            var validity = "  valid:       \(fields.notBefore) to \(fields.notAfter)"
            let seconds = Int(now.timeIntervalSince1970)
            if seconds > fields.notAfter.secondsSince1970 {
                validity += " (EXPIRED)"
            } else if seconds < fields.notBefore.secondsSince1970 {
                validity += " (NOT YET VALID)"
            }
            lines.append(validity)
        } else if let fieldsError {
            lines.append("  (\(fieldsError))")
        }
        lines.append("  fingerprint: \(fingerprint)")
        return lines
    }
}
