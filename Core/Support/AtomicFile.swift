#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Replaces a file all at once: the bytes go to a temporary file beside it (created
/// exclusively, exact mode, fsynced), which is then renamed over the target. A reader never
/// sees half a file, and a failure (a full disk, say) leaves the old file untouched and no
/// temporary file behind. Used for the agent's session files and the client's pin store.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String, mode: UInt16,
                             owner: (uid: uid_t, gid: gid_t)? = nil) throws(AtomicFileError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = "\(directory.isEmpty ? "" : directory)/.\(base).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(temporary, .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec],
                                         permissions: FilePermissions(rawValue: CModeT(mode)))
        } catch {
            throw AtomicFileError(path: path, operation: "create", reason: "\(error)")
        }
        do {
            try fd.closeAfter {
                _ = try fd.writeAll(bytes)
                // The umask may have narrowed the mode; set it exactly.
                guard fchmod(fd.rawValue, mode_t(mode)) == 0 else { throw Errno(rawValue: errno) }
                if let owner, fchown(fd.rawValue, owner.uid, owner.gid) != 0 { throw Errno(rawValue: errno) }
                guard fsync(fd.rawValue) == 0 else { throw Errno(rawValue: errno) }
            }
            guard rename(temporary, path) == 0 else { throw Errno(rawValue: errno) }
        } catch {
            unlink(temporary)
            throw AtomicFileError(path: path, operation: "write", reason: "\(error)")
        }
    }

    public static func write(_ text: String, to path: String, mode: UInt16,
                             owner: (uid: uid_t, gid: gid_t)? = nil) throws(AtomicFileError) {
        try write(Array(text.utf8), to: path, mode: mode, owner: owner)
    }
}

/// A file could not be replaced; names the file, the step and the cause.
public struct AtomicFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let reason: String

    public var description: String { "cannot \(operation) \(path): \(reason)" }
}
