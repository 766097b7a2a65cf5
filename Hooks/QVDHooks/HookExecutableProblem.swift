#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why a configured hook cannot be executed, found before anything is spawned so the
/// error names the configuration key and the path (`validate()` at start-up, and every
/// run).
public enum HookExecutableProblem: Sendable, Hashable, CustomStringConvertible {
    /// Nothing exists at the path.
    case missing
    /// The path names a directory, a device or another non-regular file.
    case notARegularFile
    /// The file has no execute permission (or lies on a `noexec` mount).
    case notExecutable
    /// A bare name (no `/`) that no directory of the hook's `PATH` holds as an executable.
    case notFoundInPath(searched: [String])

    public var description: String {
        switch self {
        case .missing:
            return "no such file"
        case .notARegularFile:
            return "not a regular file"
        case .notExecutable:
            return "not executable (set its execute bits, e.g. chmod 755)"
        case .notFoundInPath(let searched):
            return "not found in PATH (searched \(searched.joined(separator: ", ")))"
        }
    }

    /// The problem with `path`, or `nil` when it can be executed. A path without `/` is
    /// looked up in `searchPath` as `exec` would; a relative path with `/` is taken
    /// relative to `workingDirectory`, the directory the hook runs in.
    public static func check(_ path: String, searchPath: String?, workingDirectory: String) -> HookExecutableProblem? {
        if path.contains("/") {
            let full = path.hasPrefix("/") ? path : join(workingDirectory, path)
            return inspect(full)
        }
        let directories = (searchPath ?? "")
            .split(separator: ":", omittingEmptySubsequences: true)
            .map(String.init)
            .filter { $0.hasPrefix("/") }
        var nonExecutable = false
        for directory in directories {
            switch inspect(join(directory, path)) {
            case nil: return nil
            case .notExecutable?: nonExecutable = true
            default: continue
            }
        }
        return nonExecutable ? .notExecutable : .notFoundInPath(searched: directories)
    }

    /// `stat` and `access(X_OK)` of one absolute path.
    static func inspect(_ path: String) -> HookExecutableProblem? {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .notARegularFile }
        guard access(path, X_OK) == 0 else { return .notExecutable }
        return nil
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
