import Foundation
import Logging
import QVDCore

/// A fresh directory under the system temp dir, removed with everything in it on deinit.
final class LogTestDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "qvd-logging-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else {
            throw CocoaError(.fileWriteUnknown)
        }
        path = String(cString: created)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func lines(of name: String) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: file(name)))
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

/// Fixed time and pid, so whole lines can be compared.
enum LogTestFixtures {
    /// 2024-05-01T12:51:30.123Z
    static let timestamp = LogTimestamp(secondsSinceEpoch: 1_714_567_890, milliseconds: 123)
    static let prefix = "2024-05-01T12:51:30.123Z 4242"
    static let formatter = LogLineFormatter(clock: { timestamp }, processID: 4242)

    static func logger(
        _ label: String, sink: any LogSink, threshold: LogThreshold = .minimum(.trace),
        redactor: LogRedactor? = .standard, metadataProvider: Logger.MetadataProvider? = nil
    ) -> Logger {
        Logger(label: label) { label in
            QVDLogHandler(label: label, sink: sink, threshold: threshold, formatter: formatter,
                          redactor: redactor, metadataProvider: metadataProvider)
        }
    }
}
