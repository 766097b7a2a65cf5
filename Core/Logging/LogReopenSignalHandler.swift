#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
@preconcurrency import Dispatch

/// Reopens every `LogFileSink` when the process gets SIGHUP, so logrotate's
/// `postrotate kill -HUP` (or `systemctl reload`) moves logging to the new file.
///
/// Built on `DispatchSourceSignal`, not swift-service-lifecycle's `UnixSignalsSequence`:
/// QVDCore does not depend on ServiceLifecycle (only the agent does), every program —
/// including the client tools with no service group — needs this, and `UnixSignalsSequence`
/// is itself a wrapper over the same dispatch source. The signal-context part is
/// libdispatch's own handler, which only records the signal; our block runs later on
/// `queue`, in an ordinary thread, where `open(2)`, locks and allocation are safe.
/// Several dispatch sources for SIGHUP may coexist (the agent's service group may watch it
/// too); each gets every signal.
///
/// Keep the returned object alive; `cancel()` or releasing it stops the reopening.
public final class LogReopenSignalHandler: Sendable {
    private let source: any DispatchSourceSignal

    /// - Parameters:
    ///   - signal: the signal to watch, SIGHUP unless a test picks another.
    ///   - queue: where the reopen runs.
    ///   - onReopen: called after each reopen with the sinks that failed (empty on success);
    ///     the default writes one line per failure to stderr.
    public init(
        signal signalNumber: Int32 = SIGHUP,
        queue: DispatchQueue = DispatchQueue(label: "qvd.logging.reopen"),
        onReopen: @escaping @Sendable ([LogSetupError]) -> Void = LogReopenSignalHandler.reportFailuresOnStandardError
    ) {
        // Ignore the signal until the source is registered: SIGHUP's default action ends
        // the process, and registration completes asynchronously. On Linux libdispatch then
        // installs its own recording handler (replacing SIG_IGN) and reads the signal back
        // on its manager thread; on Darwin kqueue sees the signal even while ignored.
        _ = signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
        source.setEventHandler {
            onReopen(LogFileSink.reopenAll())
        }
        source.resume()
        self.source = source
    }

    deinit {
        source.cancel()
    }

    /// Stops watching the signal.
    public func cancel() {
        source.cancel()
    }

    /// The default reaction to failed reopens: one line on stderr each.
    public static func reportFailuresOnStandardError(_ failures: [LogSetupError]) {
        for failure in failures {
            StandardErrorLogSink.shared.write(line: Array("log reopen after SIGHUP failed: \(failure); still writing to the old file\n".utf8))
        }
    }
}
