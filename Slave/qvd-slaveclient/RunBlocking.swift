import Foundation

/// Waits for async work from a synchronous command.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = BlockingBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        box.value = await body()
        done.signal()
    }
    done.wait()
    return box.value!
}

/// The result slot of `runBlocking`; written once before the semaphore is signalled.
final class BlockingBox<T: Sendable>: @unchecked Sendable {
    var value: T?
}
