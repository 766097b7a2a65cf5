import Synchronization

/// A flag set once from an event loop and read from a task: whether a timer fired.
final class TimeoutFlag: Sendable {
    private let value = Mutex(false)

    func set() { value.withLock { $0 = true } }

    var isSet: Bool { value.withLock { $0 } }
}
