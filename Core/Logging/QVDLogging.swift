import Logging

/// Entry points for a program's logging: parse upstream's `log.level`, install the
/// swift-log backend once, reopen files on SIGHUP (`upstream-vma.md §10`).
///
/// A program does, once at start:
///
///     let threshold = try QVDLogging.threshold(forUpstreamName: config.logLevelName)
///     try QVDLogging.bootstrap(destination: .choose(foreground: foreground, filename: path),
///                              level: threshold)
///     let reopen = QVDLogging.reopenLogFilesOnSIGHUP()   // keep alive
///
/// Tests never call `bootstrap` (swift-log allows it once per process); they build a
/// `QVDLogHandler` over an `InMemoryLogSink` or a `LogFileSink` in a temp directory and
/// wrap it with `Logger(label:factory:)`.
public enum QVDLogging {
    /// Opens the destination and makes `QVDLogHandler` the process-wide swift-log backend.
    ///
    /// With `.off` nothing is opened (no file is created) and every logger discards
    /// events; the result is then nil. Otherwise the result is the sink in use.
    /// - Throws: `LogSetupError` when the log file cannot be opened.
    @discardableResult
    public static func bootstrap(
        destination: LogDestination,
        level: LogThreshold,
        redactor: LogRedactor? = .standard,
        metadataProvider: Logger.MetadataProvider? = nil
    ) throws(LogSetupError) -> (any LogSink)? {
        if level.isOff {
            LoggingSystem.bootstrap({ _, _ in SwiftLogNoOpLogHandler() }, metadataProvider: nil)
            return nil
        }
        let sink = try makeSink(for: destination)
        let formatter = LogLineFormatter()
        LoggingSystem.bootstrap({ label, provider in
            QVDLogHandler(label: label, sink: sink, threshold: level, formatter: formatter,
                          redactor: redactor, metadataProvider: provider)
        }, metadataProvider: metadataProvider)
        return sink
    }

    /// The sink for a destination: a new `LogFileSink`, or the shared stderr sink.
    public static func makeSink(for destination: LogDestination) throws(LogSetupError) -> any LogSink {
        switch destination {
        case .file(let path): return try LogFileSink(path: path)
        case .standardError: return StandardErrorLogSink.shared
        }
    }

    /// The threshold for an upstream `log.level` name (`ALL` … `OFF`).
    /// - Throws: `LogSetupError.unknownLevelName` naming the accepted names.
    public static func threshold(forUpstreamName name: String) throws(LogSetupError) -> LogThreshold {
        guard let threshold = LogThreshold(upstreamName: name) else { throw .unknownLevelName(name) }
        return threshold
    }

    /// The swift-log level for an upstream name: `ALL` → `.trace`, `FATAL` → `.critical`;
    /// nil for `OFF` (see `isOff(upstreamName:)`) and for unknown names.
    public static func swiftLogLevel(forUpstreamName name: String) -> Logger.Level? {
        LogThreshold(upstreamName: name)?.swiftLogLevel
    }

    /// True only for upstream's `OFF` (any case).
    public static func isOff(upstreamName name: String) -> Bool {
        LogThreshold(upstreamName: name)?.isOff ?? false
    }

    /// Starts reopening every log file on SIGHUP; keep the result alive.
    public static func reopenLogFilesOnSIGHUP() -> LogReopenSignalHandler {
        LogReopenSignalHandler()
    }
}
