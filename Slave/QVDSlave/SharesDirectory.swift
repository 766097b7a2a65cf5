#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import QVDCore

/// The folder under which client shares are mounted for the session user:
/// `vma.user.shares.path`, default `~/Redirected`, which must start with `~/`
/// (`upstream-slave-channel.md` §3.2 step 2).
///
/// Every operation works relative to a descriptor of this folder opened without following
/// links (`mkdirat`, `fstatat`, `unlinkat`), so a link planted in place of a share name
/// cannot send a mount or a removal elsewhere.
public struct SharesDirectory: Sendable {
    /// The absolute path.
    public let path: String
    /// An existing empty directory younger than this is taken to be another request's
    /// fresh, not yet mounted directory, and is not reused.
    public static let reuseAge: Int = 5
    /// Most ` (n)` suffixes tried before giving up.
    public static let maxSuffix = 99

    /// The folder for the configured value `configured` (`~/…`) under `home`.
    public init(configured: String, home: String) throws(SlaveError) {
        guard configured.hasPrefix("~/"), configured.count > 2 else {
            throw SlaveError(.configuration, "vma.user.shares.path = \(configured)",
                             "must start with ~/ (a folder inside the session user's home)")
        }
        let rest = configured.dropFirst(2).split(separator: "/")
        guard !rest.contains(where: { $0 == ".." || $0 == "." }) else {
            throw SlaveError(.configuration, "vma.user.shares.path = \(configured)", "must not contain . or ..")
        }
        let base = home.hasSuffix("/") ? String(home.dropLast()) : home
        self.path = base + "/" + rest.joined(separator: "/")
    }

    /// The absolute path of the share directory `name`.
    public func directory(of name: ShareName) -> String {
        path + "/" + name.value
    }

    /// Creates the folder (and missing parents, mode 0700) if needed; refuses a link or a
    /// non-directory in its place.
    public func prepare() throws(SlaveError) {
        var partial = ""
        for component in path.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o700) != 0, errno != EEXIST {
                throw SlaveError(.fileSystem, "create \(partial)", SlaveError.errnoText())
            }
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw SlaveError(.fileSystem, "inspect \(path)", SlaveError.errnoText())
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw SlaveError(.fileSystem, "use \(path) as the shares folder", "it is not a directory (a link or a file is in the way)")
        }
    }

    /// Creates the mount directory for a share called `name`, de-duplicated: `name`, then
    /// `name (2)`, `name (3)`… An existing directory is reused only when it is empty, not a
    /// mount point and older than ``reuseAge`` seconds (upstream removed and re-made it, and
    /// answered 409 when it was busy). A dead FUSE mount in the way is lazily unmounted
    /// first. Returns the name actually used.
    public func allocate(_ name: ShareName, unmounter: FuseUnmounter) throws(SlaveError) -> ShareName {
        try prepare()
        let folder = try openFolder()
        defer { close(folder.fd) }
        for number in 1...Self.maxSuffix {
            let candidate = name.withSuffix(number)
            for _ in 0..<3 {
                if mkdirat(folder.fd, candidate.value, 0o700) == 0 { return candidate }
                guard errno == EEXIST else {
                    throw SlaveError(.fileSystem, "create \(directory(of: candidate))", SlaveError.errnoText())
                }
                var info = stat()
                if fstatat(folder.fd, candidate.value, &info, AT_SYMLINK_NOFOLLOW) != 0 {
                    // A FUSE mount whose sshfs died: clear it, remove its directory (it was a
                    // share's, not a fresh one of a concurrent request) and take the name.
                    if errno == ENOTCONN, unmounter.unmount(directory(of: candidate)),
                       unlinkat(folder.fd, candidate.value, AT_REMOVEDIR) == 0 { continue }
                    break
                }
                guard info.st_mode & S_IFMT == S_IFDIR, info.st_dev == folder.device,
                      Int(time(nil)) - Int(info.st_ctim.tv_sec) >= Self.reuseAge,
                      unlinkat(folder.fd, candidate.value, AT_REMOVEDIR) == 0 else { break }
                // Removed an old empty directory: the next mkdirat takes it.
            }
        }
        throw SlaveError(.fileSystem, "create a mount directory for \(name) in \(path)",
                         "\(name) and \(Self.maxSuffix - 1) numbered variants are all in use")
    }

    /// Every directory in the folder with what is mounted on it, sorted by name.
    public func entries() -> [ShareEntry] {
        guard let folder = try? openFolder() else { return [] }
        defer { close(folder.fd) }
        guard let stream = fdopendir(dup(folder.fd)) else { return [] }
        defer { closedir(stream) }
        var result: [ShareEntry] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            if let state = state(of: name, in: folder) {
                result.append(ShareEntry(name: name, state: state))
            }
        }
        return result.sorted { $0.name < $1.name }
    }

    /// What is at share `name`; `nil` when there is no directory of that name.
    public func state(of name: ShareName) -> ShareMountState? {
        guard let folder = try? openFolder() else { return nil }
        defer { close(folder.fd) }
        return state(of: name.value, in: folder)
    }

    /// Unmounts share `name` (lazily, so a busy mount still goes) and removes its
    /// directory. `false` when there is no such share.
    public func remove(_ name: ShareName, unmounter: FuseUnmounter) throws(SlaveError) -> Bool {
        let folder = try openFolder()
        defer { close(folder.fd) }
        return try remove(entry: name.value, in: folder, unmounter: unmounter)
    }

    /// For the agent on suspend and on stop (issue 5, "VMA integration"; upstream ran
    /// `umount -l` and then a failing `unlink`, leaving the directories): unmounts every
    /// share lazily and removes every share directory (a non-empty unmounted one stays).
    /// Returns the names removed and the errors met.
    public func removeAll(unmounter: FuseUnmounter) -> (removed: [String], errors: [SlaveError]) {
        guard let folder = try? openFolder() else { return ([], []) }
        defer { close(folder.fd) }
        var removed: [String] = []
        var errors: [SlaveError] = []
        for entry in entries() {
            do {
                if try remove(entry: entry.name, in: folder, unmounter: unmounter) { removed.append(entry.name) }
            } catch {
                errors.append(error)
            }
        }
        return (removed, errors)
    }

    private func remove(entry name: String, in folder: (fd: Int32, device: dev_t),
                        unmounter: FuseUnmounter) throws(SlaveError) -> Bool {
        let path = self.path + "/" + name
        guard let state = state(of: name, in: folder) else { return false }
        if state != .idle, !unmounter.unmount(path) {
            throw SlaveError(.process, "unmount \(path)", "fusermount failed (see the log)")
        }
        guard unlinkat(folder.fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT else {
            throw SlaveError(.fileSystem, "remove \(path)", SlaveError.errnoText())
        }
        return true
    }

    private func state(of name: String, in folder: (fd: Int32, device: dev_t)) -> ShareMountState? {
        var info = stat()
        if fstatat(folder.fd, name, &info, AT_SYMLINK_NOFOLLOW) != 0 {
            return errno == ENOTCONN ? .stale : nil
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { return nil }
        return info.st_dev == folder.device ? .idle : .mounted
    }

    private func openFolder() throws(SlaveError) -> (fd: Int32, device: dev_t) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            throw SlaveError(.fileSystem, "open \(path)", SlaveError.errnoText())
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = SlaveError.errnoText()
            close(fd)
            throw SlaveError(.fileSystem, "inspect \(path)", reason)
        }
        return (fd, info.st_dev)
    }
}
