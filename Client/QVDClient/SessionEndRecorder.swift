import Foundation

/// Keeps the first reason a session ended; later ones are consequences of it.
final class SessionEndRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var first: SessionEnd?

    func record(_ end: SessionEnd) {
        lock.withLock { if first == nil { first = end } }
    }

    var end: SessionEnd? { lock.withLock { first } }
}
