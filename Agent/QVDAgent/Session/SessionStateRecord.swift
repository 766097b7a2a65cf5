/// One line of `nxagent.state`: `<nxstate>:<unix-epoch-seconds>` + LF (`upstream-vma.md` §2.1;
/// observed as e.g. `starting:1795725198\n`, `upstream-vma-observed.md` §4.3).
public struct SessionStateRecord: Equatable, Hashable, Sendable {
    public var state: SessionNXState
    /// Seconds since the Unix epoch when the state was entered; `nil` when a file read back
    /// has none (upstream then applies no timeout).
    public var timestamp: Int64?

    public init(state: SessionNXState, timestamp: Int64?) {
        self.state = state
        self.timestamp = timestamp
    }

    /// The exact file content.
    public var fileContents: String {
        if let timestamp { return "\(state.rawValue):\(timestamp)\n" }
        return "\(state.rawValue)\n"
    }

    /// What reading a state file gives.
    public enum Parsed: Equatable, Sendable {
        /// Missing or empty file: upstream's shortcut to `stopped` (VMA.pm 642).
        case empty
        case record(SessionStateRecord)
        /// A state word we do not know, or a malformed timestamp. Upstream reports `stopped`
        /// and logs an error; so do we (the caller should log `line`).
        case unreadable(line: String)
    }

    /// Parses a state file's content: the first line, split at its first `:`, as upstream's
    /// `^(.*?)(?::(.*))?$`.
    public static func parse(fileContents: String) -> Parsed {
        let line = fileContents.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        if line.isEmpty { return .empty }
        let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let state = SessionNXState(rawValue: String(parts[0])) else { return .unreadable(line: line) }
        guard parts.count == 2, !parts[1].isEmpty else { return .record(SessionStateRecord(state: state, timestamp: nil)) }
        guard parts[1].count <= 18, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let timestamp = Int64(parts[1]) else {
            return .unreadable(line: line)
        }
        return .record(SessionStateRecord(state: state, timestamp: timestamp))
    }
}
