import Logging

/// The swift-log backend of every QVD program: formats each event as one line
/// (`LogLineFormatter`), masks secrets (`LogRedactor`) and hands the line to a `LogSink`
/// in a single write.
///
/// Metadata merges, later winning: the handler's own metadata, then the metadata
/// provider's, then the event's. The session or VM id travels as metadata
/// (`logger[metadataKey: "vm_id"] = "7"`). An event's `error`, if any, is added as the
/// `error` key unless the event already has one.
///
/// The level comes from a `LogThreshold`, so upstream's `OFF` is honoured: swift-log sees
/// `.critical` as the handler's level, and the handler drops even critical events.
/// Setting `logLevel` replaces the threshold with that level.
public struct QVDLogHandler: LogHandler {
    /// The component written on each line: the logger's label (`vma`, `vma.session`, …).
    public let label: String
    /// Where lines go.
    public let sink: any LogSink
    /// The lowest level written, or off.
    public var threshold: LogThreshold
    /// Time, pid and layout of each line.
    public var formatter: LogLineFormatter
    /// Applied to message and metadata before formatting; nil writes everything as is.
    public var redactor: LogRedactor?
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public init(
        label: String,
        sink: any LogSink,
        threshold: LogThreshold = .minimum(.info),
        formatter: LogLineFormatter = LogLineFormatter(),
        redactor: LogRedactor? = .standard,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.label = label
        self.sink = sink
        self.threshold = threshold
        self.formatter = formatter
        self.redactor = redactor
        self.metadataProvider = metadataProvider
    }

    public var logLevel: Logger.Level {
        get { threshold.swiftLogLevel ?? .critical }
        set { threshold = .minimum(newValue) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        guard threshold.admits(event.level) else { return }
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let eventMetadata = event.metadata, !eventMetadata.isEmpty {
            merged.merge(eventMetadata) { _, new in new }
        }
        if let error = event.error, merged["error"] == nil {
            merged["error"] = .string(String(describing: error))
        }
        var message = event.message.description
        if let redactor {
            message = redactor.redact(message)
            merged = redactor.redact(merged)
        }
        var line = formatter.format(level: event.level, label: label, message: message, metadata: merged)
        line += "\n"
        sink.write(line: Array(line.utf8))
    }
}
