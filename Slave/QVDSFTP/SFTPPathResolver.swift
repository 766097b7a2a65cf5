#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Resolves client paths strictly inside the shared folder (the confinement required by
/// `README.md` "deliberately differs" item 4 and `upstream-slave-channel.md` §6.1).
///
/// The shared folder is `/`. A path is split into components and walked one component at a
/// time with `openat(…, O_PATH | O_DIRECTORY | O_NOFOLLOW)` from a descriptor of the root,
/// so the kernel never follows a symlink or `..` on our behalf:
/// - `..` pops the walk's own stack of directory descriptors, so it never climbs above the
///   root, and never depends on where the directory lives now (a directory moved outside the
///   root after we entered it is left by popping, not by the kernel's `..`).
/// - A symlink met on the way (the kernel refuses to open it as a directory with
///   `O_NOFOLLOW`) is read with `readlinkat` and its text spliced into the remaining path:
///   relative text continues from the link's directory, absolute text restarts at the root.
///   At most `maximumSymlinkExpansions` links per path (then `ELOOP`, like the kernel).
/// - The result is a descriptor of the final directory plus one last name. Operations use
///   the `*at` system calls on that pair with "don't follow" flags, so if a component is
///   swapped for a symlink between the walk and the operation, the operation fails (or acts
///   on the link itself) instead of leaving the root.
struct SFTPPathResolver {
    /// `O_PATH` (Linux; not exported by Swift's Glibc module).
    static let openPathFlag: Int32 = 0o10000000
    static let maximumSymlinkExpansions = 40

    /// Where a path ended up: an open directory inside the root and a last component.
    struct Location {
        /// Descriptor of the directory holding `name` (valid only inside the `resolve` body).
        let directory: Int32
        /// The last component, never empty, `.`, or `..` unless it is exactly `.` (the
        /// directory itself: the path named a directory by `.`, `..` or the root).
        let name: [UInt8]
        /// `name` NUL-terminated for system calls.
        let cName: [CChar]
        /// The directory's components below the root, symlinks resolved (physical path).
        let directoryComponents: [[UInt8]]

        var isDirectoryItself: Bool { name == [0x2E] }

        /// The resolved path as the client sees it: `/` joined with the components.
        var clientPath: [UInt8] {
            var parts = directoryComponents
            if !isDirectoryItself { parts.append(name) }
            if parts.isEmpty { return [0x2F] }
            var out: [UInt8] = []
            for part in parts {
                out.append(0x2F)
                out.append(contentsOf: part)
            }
            return out
        }
    }

    let root: Int32

    /// Splits a path into components, dropping empty ones and `.`.
    static func components(of path: some Collection<UInt8>) -> [[UInt8]] {
        path.split(separator: 0x2F, omittingEmptySubsequences: true)
            .filter { !($0.count == 1 && $0.first == 0x2E) }
            .map { Array($0) }
    }

    static func cString(_ bytes: [UInt8]) -> [CChar] {
        var c = bytes.map { CChar(bitPattern: $0) }
        c.append(0)
        return c
    }

    /// Walks `path` under the root and calls `body` with the result. With
    /// `followFinalSymlink` a symlink in the last position is resolved too (STAT, OPEN, …);
    /// without it the last component is returned as named (LSTAT, REMOVE, RENAME, …).
    func resolve<R>(
        _ path: [UInt8], followFinalSymlink: Bool, _ body: (Location) throws(Errno) -> R
    ) throws(Errno) -> R {
        var stack: [Int32] = []
        var names: [[UInt8]] = []
        defer { for fd in stack { _ = close(fd) } }
        var pending = Array(Self.components(of: path).reversed())
        var expansions = 0
        var finalName: [UInt8]? = nil

        func splice(_ target: [UInt8]) throws(Errno) {
            expansions += 1
            guard expansions <= Self.maximumSymlinkExpansions else { throw Errno.tooManySymbolicLinkLevels }
            guard !target.isEmpty else { throw Errno.noSuchFileOrDirectory }
            if target.first == 0x2F {
                for fd in stack { _ = close(fd) }
                stack.removeAll()
                names.removeAll()
            }
            pending.append(contentsOf: Self.components(of: target).reversed())
        }

        while let component = pending.popLast() {
            if component == [0x2E, 0x2E] {
                if let fd = stack.popLast() {
                    _ = close(fd)
                    names.removeLast()
                }
                continue
            }
            let current = stack.last ?? root
            let cName = Self.cString(component)
            if pending.isEmpty {
                if followFinalSymlink, let target = Self.readLink(current, cName) {
                    try splice(target)
                    continue
                }
                finalName = component
                break
            }
            let fd = openat(current, cName, Self.openPathFlag | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if fd >= 0 {
                stack.append(fd)
                names.append(component)
                continue
            }
            let error = errno
            if error == ENOTDIR || error == ELOOP, let target = Self.readLink(current, cName) {
                try splice(target)
                continue
            }
            throw Errno(rawValue: error)
        }
        let name = finalName ?? [0x2E]
        return try body(
            Location(
                directory: stack.last ?? root, name: name, cName: Self.cString(name),
                directoryComponents: names))
    }

    /// The text of the symlink `name` in `directory`, or nil if it is not a symlink.
    static func readLink(_ directory: Int32, _ name: [CChar]) -> [UInt8]? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = buffer.withUnsafeMutableBufferPointer { b -> Int in
            guard let base = b.baseAddress else { return -1 }
            return readlinkat(directory, name, base, b.count)
        }
        guard count >= 0 else { return nil }
        return buffer[0..<min(count, buffer.count)].map { UInt8(bitPattern: $0) }
    }

    /// Whether a symlink with text `target`, created in the directory at
    /// `directoryComponents`, would point inside the root when read by anyone on the client.
    /// Absolute text never does (the client's kernel reads it from the real `/`); relative
    /// text must not climb above the root with `..`.
    static func symlinkTargetStaysInside(_ target: [UInt8], directoryComponents: [[UInt8]]) -> Bool {
        guard let first = target.first, first != 0x2F else { return false }
        var depth = directoryComponents.count
        for component in components(of: target) {
            if component == [0x2E, 0x2E] {
                depth -= 1
                if depth < 0 { return false }
            } else {
                depth += 1
            }
        }
        return true
    }
}
