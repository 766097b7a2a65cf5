/// Turns one line of nxagent's output into an ``NXAgentEvent``, or `nil` for every other line.
///
/// Mirrors the patterns of upstream's monitor (`upstream-vma.md` §2.5, VMA.pm 536-598) on the
/// lines nxagent 3.5.99.26 really prints (`upstream-vma-observed.md` §4.10):
///
/// | line | event |
/// |---|---|
/// | `Info: Agent running with pid 'N'.` | ``NXAgentEvent/agentPID(_:)`` |
/// | `Session: Starting session at '…'.` (also Resuming, Suspending, Terminating, Aborting) | ``NXAgentEvent/session(_:)`` |
/// | `Session: Session started at '…'.` (also resumed, suspended, terminated, aborted) | ``NXAgentEvent/session(_:)`` |
/// | `Session: Display failure detected at '…'.` | ``NXAgentEvent/displayFailure`` |
/// | `Info: Waiting for connection from any host on socket 'tcp:*:4100'.` | ``NXAgentEvent/waitingForConnection(port:)`` |
/// | `Info: Listening to slave connections on port 'tcp:localhost:11100'.` | ``NXAgentEvent/listeningToSlaveConnections(port:)`` |
/// | `Info: Listening to multimedia connections on port 'tcp:localhost:7100'.` | ``NXAgentEvent/listeningToMultimediaConnections(port:)`` |
///
/// Two deliberate differences from upstream's regular expressions:
/// * Lines must **start** with the marker (after optional blanks). Upstream matches anywhere in
///   the line, so any program of the X session (whose output shares the pipe) could print
///   `… Session: Session terminated at` and make the VMA drop the session.
/// * Only the ten known session words are accepted. Upstream lower-cases any word and writes it
///   as the state, which an unknown word then turns into `stopped`.
///
/// A trailing CR or LF is ignored. The parser is stateless.
public struct NXAgentLogLineParser: Sendable {
    public init() {}

    public func parse(_ line: some StringProtocol) -> NXAgentEvent? {
        var text = Substring(line)
        while let last = text.last, last == "\n" || last == "\r" { text = text.dropLast() }
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }

        if text.hasPrefix(Self.sessionPrefix) {
            return parseSessionLine(text.dropFirst(Self.sessionPrefix.count))
        }
        if text.hasPrefix(Self.infoPrefix) {
            return parseInfoLine(text.dropFirst(Self.infoPrefix.count))
        }
        return nil
    }

    private static let sessionPrefix = "Session: "
    private static let infoPrefix = "Info: "

    /// `<Word> session at …`, `Session <word> at …` or `Display failure detected at …`.
    private func parseSessionLine(_ rest: Substring) -> NXAgentEvent? {
        if rest.hasPrefix("Display failure detected at") { return .displayFailure }
        let words = rest.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard words.count >= 3 else { return nil }
        if words[0] == "Session", words[2] == "at" {
            // "Session started at '…'."
            guard let event = NXAgentSessionEvent(rawValue: words[1].lowercased()),
                  Self.pastTense.contains(event) else { return nil }
            return .session(event)
        }
        if words[1] == "session", words[2] == "at" {
            // "Starting session at '…'."
            guard let event = NXAgentSessionEvent(rawValue: words[0].lowercased()),
                  !Self.pastTense.contains(event) else { return nil }
            return .session(event)
        }
        return nil
    }

    private static let pastTense: Set<NXAgentSessionEvent> = [.started, .resumed, .suspended, .terminated, .aborted]

    private func parseInfoLine(_ rest: Substring) -> NXAgentEvent? {
        if let quoted = quotedValue(after: "Agent running with pid ", in: rest) {
            guard let pid = Self.decimal(quoted), pid > 0, pid <= Int(Int32.max) else { return nil }
            return .agentPID(Int32(pid))
        }
        if rest.hasPrefix("Waiting for connection from ") {
            guard let range = rest.firstRange(of: " on socket ") else { return nil }
            guard let spec = quotedValue(after: "", in: rest[range.upperBound...]),
                  let port = Self.port(fromSocketSpec: spec) else { return nil }
            return .waitingForConnection(port: port)
        }
        if let spec = quotedValue(after: "Listening to slave connections on port ", in: rest) {
            return Self.port(fromSocketSpec: spec).map { .listeningToSlaveConnections(port: $0) }
        }
        if let spec = quotedValue(after: "Listening to multimedia connections on port ", in: rest) {
            return Self.port(fromSocketSpec: spec).map { .listeningToMultimediaConnections(port: $0) }
        }
        return nil
    }

    /// The text between the single quotes that follow `prefix` at the start of `text`.
    private func quotedValue(after prefix: String, in text: Substring) -> Substring? {
        guard text.hasPrefix(prefix) else { return nil }
        let afterPrefix = text.dropFirst(prefix.count)
        guard afterPrefix.first == "'" else { return nil }
        let inner = afterPrefix.dropFirst()
        guard let close = inner.firstIndex(of: "'") else { return nil }
        return inner[..<close]
    }

    /// `N`, `tcp:HOST:N` or `tcp:*:N` → N, as upstream's `(?:tcp:\w+:)?(\d+)` (with `*` allowed).
    private static func port(fromSocketSpec spec: Substring) -> Int? {
        var digits = spec
        if spec.hasPrefix("tcp:") {
            guard let lastColon = spec.lastIndex(of: ":") else { return nil }
            let host = spec[spec.index(spec.startIndex, offsetBy: 4)..<lastColon]
            guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "*" || $0 == "." || $0 == "-" }) else {
                return nil
            }
            digits = spec[spec.index(after: lastColon)...]
        }
        guard let port = decimal(digits), (1...65535).contains(port) else { return nil }
        return port
    }

    /// A run of 1 to 10 ASCII digits, nothing else.
    private static func decimal(_ text: Substring) -> Int? {
        guard (1...10).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}
