import SystemPackage

/// Why a log destination or level could not be set up. Each case names what failed and on
/// what, and its description tells the administrator what to change.
public enum LogSetupError: Error, Hashable, CustomStringConvertible {
    /// `log.filename`'s directory does not exist; we never create it (upstream's packaging
    /// creates `/var/log/qvd`, and silently creating directories hides typos).
    case parentDirectoryMissing(path: String, directory: String)
    /// `open(2)` of the log file failed for another reason (permissions, a directory, ...).
    case cannotOpen(path: String, errno: Errno)
    /// `log.level` holds a name that is not one of upstream's level names.
    case unknownLevelName(String)

    public var description: String {
        switch self {
        case .parentDirectoryMissing(let path, let directory):
            return "cannot open log file '\(path)': its directory '\(directory)' does not exist; "
                + "create it or point log.filename elsewhere"
        case .cannotOpen(let path, let errno):
            return "cannot open log file '\(path)' for appending: \(errno) (errno \(errno.rawValue)); "
                + "check the path and the permissions of the file and its directory"
        case .unknownLevelName(let name):
            return "unknown log.level '\(name)': use one of "
                + LogThreshold.upstreamNames.joined(separator: ", ")
        }
    }
}
