#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The run-parts folder beside a hook key: `<directory>/<key>.d/`, e.g.
/// `/etc/qvd/hooks/vma.on_action.connect.d/` (spec README, "deliberately differs"
/// item 2; the directory is `vma.hook.directory`).
///
/// Its entries run after the configured single hook, in byte order of their names (as
/// `run-parts` sorts in the C locale). Run are regular files (or symbolic links to them)
/// that are executable. Skipped, as `run-parts` skips them, are names starting with `.`,
/// editor and package-manager leftovers (`*~`, `*.dpkg-old`, `*.dpkg-dist`, `*.dpkg-new`,
/// `*.dpkg-tmp`, …: any `.dpkg-` in the name), subdirectories and files without execute
/// permission; the last two are listed in ``Listing/skipped`` so that
/// ``HookRunner/validate()`` can warn about them at start-up. Unlike `run-parts`, any other
/// name is accepted (`10-mount.sh` included), since hooks commonly carry an extension.
/// A missing folder simply holds nothing.
public struct HookDirectory: Sendable, Hashable {
    /// The `.d` folder itself.
    public let path: String

    /// The folder for `event` under `directory`.
    public init(directory: String, event: HookEvent) {
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        self.path = base + "/" + event.configurationKey + ".d"
    }

    /// One entry that is not run, and why.
    public struct SkippedEntry: Sendable, Hashable, CustomStringConvertible {
        public let path: String
        public let reason: HookExecutableProblem
        public var description: String { "\(path): \(reason)" }
    }

    /// What the folder holds.
    public struct Listing: Sendable, Hashable {
        /// Full paths to run, in order.
        public var executables: [String] = []
        /// Entries with an acceptable name that cannot be run (not executable, not a
        /// regular file): worth a warning at start-up, since the admin probably forgot
        /// a `chmod +x`.
        public var skipped: [SkippedEntry] = []
    }

    /// Reads the folder now. A folder that does not exist (or cannot be read) holds nothing.
    public func list() -> Listing {
        var listing = Listing()
        for name in Self.entryNames(of: path).filter(Self.isCandidateName).sorted(by: Self.byteOrder) {
            let full = path + "/" + name
            if let problem = HookExecutableProblem.inspect(full) {
                if problem != .missing {
                    listing.skipped.append(SkippedEntry(path: full, reason: problem))
                }
            } else {
                listing.executables.append(full)
            }
        }
        return listing
    }

    /// Whether a name is considered at all: not hidden, not a backup or package leftover.
    public static func isCandidateName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.hasSuffix("~") && !name.contains(".dpkg-")
    }

    static func byteOrder(_ left: String, _ right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
    }

    private static func entryNames(of path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." {
                names.append(name)
            }
        }
        return names
    }
}
