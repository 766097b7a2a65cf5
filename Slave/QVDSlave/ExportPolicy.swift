#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import QVDCore

/// Which VM folders a client may mount with `GET /shares/<path>`: only directories whose
/// canonical path is inside the user's home or one of `vma.slave.export_roots`.
///
/// Upstream checked nothing (no key, no path policy: `upstream-slave-channel.md` §6 items
/// 2 and 5). A relative path is taken relative to the home directory (upstream: the slave
/// server's working directory, which is the home).
public struct ExportPolicy: Sendable {
    public var home: String
    public var roots: [String]

    public init(home: String, roots: [String]) {
        self.home = home
        self.roots = roots
    }

    /// The canonical directory to serve, or the response that refuses it: `404` when it
    /// does not exist or is not a directory, `403` when it is outside every allowed root or
    /// not readable and searchable.
    public func resolve(_ requested: String) -> Result<String, SlaveRefusal> {
        let absolute = requested.hasPrefix("/") ? requested : home + "/" + requested
        let shown = Self.printable(requested)
        guard let resolved = ResolvedPath.canonical(absolute), ResolvedPath.isDirectory(resolved) else {
            return .failure(SlaveRefusal(status: .notFound, message: "Path \(shown) not found\n"))
        }
        let allowed = ([home] + roots).compactMap { root -> String? in
            ResolvedPath.canonical(root)
        }
        guard allowed.contains(where: { ResolvedPath.isInside(resolved, root: $0) }) else {
            return .failure(SlaveRefusal(status: .forbidden, message: "Path \(shown) forbidden\n"))
        }
        guard access(resolved, R_OK | X_OK) == 0 else {
            return .failure(SlaveRefusal(status: .forbidden, message: "Path \(shown) forbidden\n"))
        }
        return .success(resolved)
    }

    /// The path without control characters, for a response body.
    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
    }
}
