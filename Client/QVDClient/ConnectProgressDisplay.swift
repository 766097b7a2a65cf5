import Foundation

/// Shows the `102 Processing` texts of one request on a `ClientConsole` through a
/// `ConnectProgress`: a spinner redrawn every 100 ms while the console is a terminal
/// (`showsLiveProgress`), plain lines otherwise. `finish()` stops the timer and erases
/// the live line; call it when the answer comes, before anything else is printed.
public final class ConnectProgressDisplay: @unchecked Sendable {
    private let console: any ClientConsole
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private let lock = NSLock()
    private var state: ConnectProgress
    private var ticker: Task<Void, Never>?

    /// Starts the clock: elapsed times count from here (when the request goes out).
    public init(console: any ClientConsole, width: Int = 80) {
        self.console = console
        self.state = ConnectProgress(style: console.showsLiveProgress ? .live(width: width) : .lines)
        self.start = clock.now
    }

    public func show(_ text: String) {
        lock.withLock {
            write(state.received(text, elapsed: clock.now - start))
            if case .live = state.style, ticker == nil { startTicker() }
        }
    }

    public func finish() {
        lock.withLock {
            ticker?.cancel()
            ticker = nil
            write(state.finish())
        }
    }

    private func tick() {
        lock.withLock { write(state.tick(elapsed: clock.now - start)) }
    }

    private func startTicker() {
        ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: ConnectProgress.frameInterval)
                guard !Task.isCancelled, let self else { return }
                self.tick()
            }
        }
    }

    private func write(_ output: ConnectProgress.Output) {
        switch output {
        case .none: break
        case .line(let line): console.status(line)
        case .draw(let text): console.progressFrame(text)
        }
    }

    deinit {
        ticker?.cancel()
    }
}
