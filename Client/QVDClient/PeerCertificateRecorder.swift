import Foundation

/// Remembers the server certificate seen by the pin check (set on the event loop, read
/// by the connecting task after the handshake).
final class PeerCertificateRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var value: ServerCertificate?

    func record(_ certificate: ServerCertificate) {
        lock.withLock { value = certificate }
    }

    var recorded: ServerCertificate? {
        lock.withLock { value }
    }
}
