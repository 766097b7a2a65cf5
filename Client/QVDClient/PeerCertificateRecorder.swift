import Foundation

/// Remembers the server certificate seen by the pin check (set on the event loop, read
/// by the connecting task after the handshake).
final class PeerCertificateRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (fingerprint: CertificateFingerprint, commonName: String?)?

    func record(_ fingerprint: CertificateFingerprint, commonName: String?) {
        lock.withLock { value = (fingerprint, commonName) }
    }

    var recorded: (fingerprint: CertificateFingerprint, commonName: String?)? {
        lock.withLock { value }
    }
}
