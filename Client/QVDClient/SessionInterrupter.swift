import Foundation
import NIOCore

/// Lets a signal handler end the session cleanly: it closes the L7R connection, which
/// ends the bridge and so the local proxy (Ctrl-C suspends the session on the VM).
public final class SessionInterrupter: @unchecked Sendable {
    private let lock = NSLock()
    private var channel: (any Channel)?
    private var interrupted = false

    public init() {}

    /// True once `interrupt()` was called.
    public var wasInterrupted: Bool { lock.withLock { interrupted } }

    func attach(_ channel: any Channel) {
        let closeNow = lock.withLock { () -> Bool in
            self.channel = channel
            return interrupted
        }
        if closeNow { channel.close(promise: nil) }
    }

    public func interrupt() {
        let channel = lock.withLock { () -> (any Channel)? in
            interrupted = true
            return self.channel
        }
        channel?.close(promise: nil)
    }
}
