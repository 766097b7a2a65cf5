/// `qvd-slaveclient`'s exit codes, one per kind of failure, so scripts can tell them apart.
public enum SlaveClientExitCode: Int32, Sendable, CaseIterable {
    case success = 0
    /// Anything not listed below.
    case failure = 1
    /// (ArgumentParser's) bad command line.
    case usage = 64
    /// No QVD session runs: `~/.qvd/slave-port` or `slave-key` is missing.
    case noSession = 3
    /// The slave channel could not be reached or broke.
    case connection = 4
    /// The VM refused the request as not allowed (401/403): a wrong key, or a folder or
    /// file outside what it may reach.
    case refused = 5
    /// The VM has no such share, folder or file (404).
    case notFound = 6
    /// Another HTTP refusal (400, 409, 500, 501…).
    case rejected = 7
    /// A local problem: the folder is missing, the file is in no share, a program is missing.
    case local = 8

    /// The code for an error.
    public static func code(for error: SlaveError) -> SlaveClientExitCode {
        switch error.kind {
        case .noSession, .key: return .noSession
        case .stream, .protocolViolation: return .connection
        case .refused(let status) where status == 401 || status == 403: return .refused
        case .refused(let status) where status == 404: return .notFound
        case .refused: return .rejected
        case .fileSystem, .configuration, .process: return .local
        }
    }
}
