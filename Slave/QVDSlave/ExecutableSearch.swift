#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds a program the way `execvp` would, for the few tools with no configuration key
/// (`fusermount3`/`fusermount`, `xdg-open` on the client).
public enum ExecutableSearch {
    /// The first executable `name` in `path` (`:`-separated), or `name` itself when it
    /// contains a `/` and is executable.
    public static func find(_ name: String, path: String?) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        let directories = (path ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin").split(separator: ":")
        for directory in directories where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            var info = stat()
            if stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    /// `fusermount3` (FUSE 3), else `fusermount` (FUSE 2).
    public static func fusermount(path: String?) -> String? {
        find("fusermount3", path: path) ?? find("fusermount", path: path)
    }
}
