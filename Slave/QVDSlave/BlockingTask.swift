import Foundation

/// Runs async work (Core's `ChildProcess`) from the slave servers' blocking request loop.
///
/// The servers own one stream each and read it with blocking calls on the main thread, so
/// nothing here competes with the concurrency pool; the work runs on the pool while the
/// caller waits.
enum BlockingTask {
    static func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            box.set(await body())
            done.signal()
        }
        done.wait()
        return box.get()!
    }

    private final class ResultBox<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var value: T?
        func set(_ new: T) { lock.withLock { value = new } }
        func get() -> T? { lock.withLock { value } }
    }
}
