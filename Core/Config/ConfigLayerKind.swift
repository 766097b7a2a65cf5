/// Where a layer of configuration comes from, in order of precedence (lowest first).
///
/// Upstream QVD reads its built-in defaults, then `/etc/qvd/vma.conf` (or `client.conf`
/// and `~/.qvd/client.conf`), each file overriding the one before
/// (`upstream-vma.md §9`, `upstream-l7r-protocol.md §9`). We add the environment and the
/// command line on top, so an operator can override a file for one run.
public enum ConfigLayerKind: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    /// The component's table of defaults (`VMAConfigDefaults`, `ClientConfigDefaults`).
    case defaults = 0
    /// The system-wide file: `/etc/qvd/vma.conf` or `/etc/qvd/client.conf`.
    case systemFile
    /// The user's file: `~/.qvd/client.conf`.
    case userFile
    /// Environment variables mapped to keys (e.g. `QVD_LOG_LEVEL` → `log.level`).
    case environment
    /// Options given on the command line.
    case commandLine

    public static func < (lhs: ConfigLayerKind, rhs: ConfigLayerKind) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    public var description: String {
        switch self {
        case .defaults: return "built-in defaults"
        case .systemFile: return "system file"
        case .userFile: return "user file"
        case .environment: return "environment"
        case .commandLine: return "command line"
        }
    }

    /// True for the two kinds that are read from a properties file.
    public var isFile: Bool {
        self == .systemFile || self == .userFile
    }
}
