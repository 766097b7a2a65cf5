/// Where a program's log goes (`upstream-vma.md §10`).
public enum LogDestination: Sendable, Hashable, CustomStringConvertible {
    /// Append to `log.filename` (upstream default `/var/log/qvd/qvd.log`).
    case file(path: String)
    /// Write to stderr: programs running in the foreground (`-X`, the client's CLI).
    case standardError

    /// stderr in the foreground, else the configured file.
    public static func choose(foreground: Bool, filename: String) -> LogDestination {
        foreground ? .standardError : .file(path: filename)
    }

    public var description: String {
        switch self {
        case .file(let path): return path
        case .standardError: return "stderr"
        }
    }
}
