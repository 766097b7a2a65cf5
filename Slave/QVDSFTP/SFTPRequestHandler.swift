#if canImport(Glibc)
import Glibc
#endif
import Logging
import SystemPackage

/// Performs SFTP requests on the shared folder and returns the reply, with OpenSSH
/// `sftp-server`'s semantics (its status codes, RENAME's no-overwrite rule, READDIR batches
/// of 100, …) and this project's confinement (`SFTPPathResolver`). One per session; it owns
/// the session's open handles and closes them in `closeAll()`.
///
/// Read-only refusals are decided by `SFTPSessionStateMachine` before a request gets here;
/// this type still never opens a file for writing when `readOnly` is set.
final class SFTPRequestHandler {
    /// Most entries per READDIR reply (OpenSSH sends at most 100).
    static let readdirBatch = 100
    /// Largest READ served in one reply; larger requests get a short read, which SFTP
    /// clients handle. OpenSSH's limit (`SFTP_MAX_READ_LENGTH`): the reply fits 256 KiB.
    static let maximumReadLength = 256 * 1024 - 1024

    private let resolver: SFTPPathResolver
    private let readOnly: Bool
    private let rootDevice: UInt64
    private let rootInode: UInt64
    private let logger: Logger
    private var handles: SFTPHandleTable

    init(root: Int32, readOnly: Bool, maxOpenHandles: Int, logger: Logger) {
        self.resolver = SFTPPathResolver(root: root)
        self.readOnly = readOnly
        self.logger = logger
        self.handles = SFTPHandleTable(capacity: maxOpenHandles)
        var st = stat()
        if fstat(root, &st) == 0 {
            rootDevice = UInt64(st.st_dev)
            rootInode = UInt64(st.st_ino)
        } else {
            rootDevice = 0
            rootInode = 0
        }
    }

    deinit {
        handles.closeAll()
    }

    var openHandleCount: Int { handles.count }

    func closeAll() {
        handles.closeAll()
    }

    /// Performs `request` and returns the reply to send.
    func handle(_ request: SFTPRequest) -> SFTPResponse {
        guard let id = request.id else {
            // INIT and id-less unknown messages are the state machine's business.
            return .status(id: 0, .badMessage)
        }
        do {
            return try perform(request, id: id)
        } catch {
            let code = SFTPStatusCode(errno: error.rawValue)
            if logger.logLevel <= .debug {
                logger.debug("SFTP request failed", metadata: ["request": "\(Self.summary(request))", "errno": "\(error)", "status": "\(code)"])
            }
            return .status(id: id, code)
        }
    }

    private func perform(_ request: SFTPRequest, id: UInt32) throws(Errno) -> SFTPResponse {
        switch request {
        case .open(_, let path, let flags, let attributes):
            return try open(id: id, path: path, flags: flags, attributes: attributes)
        case .close(_, let handle):
            guard let entry = handles.remove(handle) else { return .status(id: id, .failure) }
            switch entry {
            case .file(let fd): try check(Glibc.close(fd))
            case .directory(let stream, _): try check(closedir(stream))
            }
            return .status(id: id, .ok)
        case .read(_, let handle, let offset, let length):
            guard case .file(let fd) = handles.lookup(handle) else { return .status(id: id, .failure) }
            return try read(id: id, fd: fd, offset: offset, length: length)
        case .write(_, let handle, let offset, let data):
            guard case .file(let fd) = handles.lookup(handle) else { return .status(id: id, .failure) }
            try write(fd: fd, offset: offset, data: data)
            return .status(id: id, .ok)
        case .lstat(_, let path):
            return .attributes(id: id, attributes: try statPath(path, follow: false))
        case .stat(_, let path):
            return .attributes(id: id, attributes: try statPath(path, follow: true))
        case .fstat(_, let handle):
            guard let fd = descriptor(of: handle) else { return .status(id: id, .failure) }
            var st = stat()
            try check(fstat(fd, &st))
            return .attributes(id: id, attributes: Self.attributes(st))
        case .setstat(_, let path, let attributes):
            try resolver.resolve(path, followFinalSymlink: true) { (loc) throws(Errno) in
                try setAttributes(attributes, at: loc)
            }
            return .status(id: id, .ok)
        case .fsetstat(_, let handle, let attributes):
            guard let fd = descriptor(of: handle) else { return .status(id: id, .failure) }
            try setAttributes(attributes, descriptor: fd)
            return .status(id: id, .ok)
        case .opendir(_, let path):
            return try openDirectory(id: id, path: path)
        case .readdir(_, let handle):
            guard case .directory(let stream, let isRoot) = handles.lookup(handle) else {
                return .status(id: id, .failure)
            }
            return try readDirectory(id: id, stream: stream, isRoot: isRoot)
        case .remove(_, let path):
            try resolver.resolve(path, followFinalSymlink: false) { (loc) throws(Errno) in
                try check(unlinkat(loc.directory, loc.cName, 0))
            }
            return .status(id: id, .ok)
        case .mkdir(_, let path, let attributes):
            let mode = mode_t((attributes.permissions ?? 0o777) & 0o7777)
            try resolver.resolve(path, followFinalSymlink: false) { (loc) throws(Errno) in
                try check(mkdirat(loc.directory, loc.cName, mode))
            }
            return .status(id: id, .ok)
        case .rmdir(_, let path):
            try resolver.resolve(path, followFinalSymlink: false) { (loc) throws(Errno) in
                try check(unlinkat(loc.directory, loc.cName, AT_REMOVEDIR))
            }
            return .status(id: id, .ok)
        case .realpath(_, let path):
            let resolved = try resolver.resolve(path, followFinalSymlink: true) { (loc) throws(Errno) in loc.clientPath }
            return .name(id: id, entries: [SFTPNameEntry(filename: resolved, longname: resolved, attributes: .empty)])
        case .rename(_, let oldPath, let newPath):
            try rename(oldPath, newPath, replacing: false)
            return .status(id: id, .ok)
        case .posixRename(_, let oldPath, let newPath):
            try rename(oldPath, newPath, replacing: true)
            return .status(id: id, .ok)
        case .readlink(_, let path):
            let text = try resolver.resolve(path, followFinalSymlink: false) { (loc) throws(Errno) -> [UInt8] in
                guard let text = SFTPPathResolver.readLink(loc.directory, loc.cName) else {
                    throw Errno(rawValue: errno)
                }
                return text
            }
            return .name(id: id, entries: [SFTPNameEntry(filename: text, longname: text, attributes: .empty)])
        case .symlink(_, let target, let linkPath):
            return try symlink(id: id, target: target, linkPath: linkPath)
        case .hardlink(_, let oldPath, let newPath):
            try resolver.resolve(oldPath, followFinalSymlink: false) { (old) throws(Errno) in
                try resolver.resolve(newPath, followFinalSymlink: false) { (new) throws(Errno) in
                    try check(linkat(old.directory, old.cName, new.directory, new.cName, 0))
                }
            }
            return .status(id: id, .ok)
        case .statvfs(_, let path):
            let stats = try resolver.resolve(path, followFinalSymlink: true) { (loc) throws(Errno) in
                let fd = openat(loc.directory, loc.cName, SFTPPathResolver.openPathFlag | O_NOFOLLOW | O_CLOEXEC)
                try check(fd)
                defer { _ = Glibc.close(fd) }
                return try fileSystemStats(fd)
            }
            return .fileSystemStats(id: id, stats: stats)
        case .fstatvfs(_, let handle):
            guard let fd = descriptor(of: handle) else { return .status(id: id, .failure) }
            return .fileSystemStats(id: id, stats: try fileSystemStats(fd))
        case .fsync(_, let handle):
            guard case .file(let fd) = handles.lookup(handle) else { return .status(id: id, .failure) }
            try check(Glibc.fsync(fd))
            return .status(id: id, .ok)
        case .initialize, .unknown, .unknownExtended:
            return .status(id: id, .operationUnsupported)
        }
    }

    // MARK: - Files

    private func open(id: UInt32, path: [UInt8], flags: SFTPOpenFlags, attributes: SFTPAttributes) throws(Errno) -> SFTPResponse {
        var oflags: Int32
        if flags.contains(.read) && flags.contains(.write) {
            oflags = O_RDWR
        } else if flags.contains(.write) {
            oflags = O_WRONLY
        } else {
            oflags = O_RDONLY
        }
        if flags.contains(.append) { oflags |= O_APPEND }
        if flags.contains(.create) { oflags |= O_CREAT }
        if flags.contains(.truncate) { oflags |= O_TRUNC }
        if flags.contains(.exclusive) { oflags |= O_EXCL }
        if readOnly && (oflags & O_ACCMODE != O_RDONLY || oflags & (O_CREAT | O_TRUNC | O_APPEND) != 0) {
            return .status(id: id, .permissionDenied)
        }
        guard !handles.isFull else {
            logger.warning("SFTP handle limit reached", metadata: ["limit": "\(handles.capacity)"])
            return .status(id: id, .failure)
        }
        let mode = mode_t((attributes.permissions ?? 0o666) & 0o7777)
        // O_CREAT|O_EXCL must not follow a final symlink (POSIX: EEXIST on any existing name).
        let follow = !(flags.contains(.create) && flags.contains(.exclusive))
        let fd = try resolver.resolve(path, followFinalSymlink: follow) { (loc) throws(Errno) in
            let fd = openat(loc.directory, loc.cName, oflags | O_NOFOLLOW | O_CLOEXEC, mode)
            try check(fd)
            return fd
        }
        guard let handle = handles.insert(.file(descriptor: fd)) else {
            _ = Glibc.close(fd)
            return .status(id: id, .failure)
        }
        return .handle(id: id, handle: handle)
    }

    private func read(id: UInt32, fd: Int32, offset: UInt64, length: UInt32) throws(Errno) -> SFTPResponse {
        let wanted = min(Int(length), Self.maximumReadLength)
        guard offset <= UInt64(Int64.max) else { return .status(id: id, .eof) }
        var failure: Int32 = 0
        let data = [UInt8](unsafeUninitializedCapacity: wanted) { buffer, count in
            guard wanted > 0, let base = buffer.baseAddress else {
                count = 0
                return
            }
            var n: Int
            repeat {
                n = pread(fd, base, wanted, off_t(offset))
            } while n < 0 && errno == EINTR
            if n < 0 {
                failure = errno
                count = 0
            } else {
                count = n
            }
        }
        if failure != 0 { throw Errno(rawValue: failure) }
        if data.isEmpty { return .status(id: id, .eof) }
        return .data(id: id, data: data)
    }

    private func write(fd: Int32, offset: UInt64, data: ArraySlice<UInt8>) throws(Errno) {
        guard offset <= UInt64(Int64.max) else { throw Errno.invalidArgument }
        var failure: Int32 = 0
        data.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                guard let base = raw.baseAddress else { return }
                let n = pwrite(fd, base + done, raw.count - done, off_t(offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if n == 0 {
                    failure = EIO
                    return
                }
                done += n
            }
        }
        if failure != 0 { throw Errno(rawValue: failure) }
    }

    // MARK: - Attributes

    private func statPath(_ path: [UInt8], follow: Bool) throws(Errno) -> SFTPAttributes {
        try resolver.resolve(path, followFinalSymlink: follow) { (loc) throws(Errno) in
            var st = stat()
            try check(fstatat(loc.directory, loc.cName, &st, AT_SYMLINK_NOFOLLOW))
            return Self.attributes(st)
        }
    }

    static func attributes(_ st: stat) -> SFTPAttributes {
        SFTPAttributes(
            size: UInt64(truncatingIfNeeded: st.st_size), uid: UInt32(st.st_uid), gid: UInt32(st.st_gid),
            permissions: UInt32(st.st_mode),
            accessTime: UInt32(truncatingIfNeeded: st.st_atim.tv_sec),
            modificationTime: UInt32(truncatingIfNeeded: st.st_mtim.tv_sec))
    }

    /// SETSTAT in OpenSSH's order: size, permissions, times, owner. Each step acts on the
    /// name without following a symlink, so a last-moment swap cannot redirect it.
    private func setAttributes(_ a: SFTPAttributes, at loc: SFTPPathResolver.Location) throws(Errno) {
        if let size = a.size {
            let fd = openat(loc.directory, loc.cName, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            try check(fd)
            defer { _ = Glibc.close(fd) }
            try check(ftruncate(fd, off_t(truncatingIfNeeded: size)))
        }
        if let permissions = a.permissions {
            try check(fchmodat(loc.directory, loc.cName, mode_t(permissions & 0o7777), AT_SYMLINK_NOFOLLOW))
        }
        if a.flags & SFTPAttributes.accessModificationTimeFlag != 0, let atime = a.accessTime, let mtime = a.modificationTime {
            var times = [timespec(tv_sec: time_t(atime), tv_nsec: 0), timespec(tv_sec: time_t(mtime), tv_nsec: 0)]
            try check(utimensat(loc.directory, loc.cName, &times, AT_SYMLINK_NOFOLLOW))
        }
        if a.flags & SFTPAttributes.uidGidFlag != 0, let uid = a.uid, let gid = a.gid {
            try check(fchownat(loc.directory, loc.cName, uid_t(uid), gid_t(gid), AT_SYMLINK_NOFOLLOW))
        }
    }

    private func setAttributes(_ a: SFTPAttributes, descriptor fd: Int32) throws(Errno) {
        if let size = a.size { try check(ftruncate(fd, off_t(truncatingIfNeeded: size))) }
        if let permissions = a.permissions { try check(fchmod(fd, mode_t(permissions & 0o7777))) }
        if a.flags & SFTPAttributes.accessModificationTimeFlag != 0, let atime = a.accessTime, let mtime = a.modificationTime {
            var times = [timespec(tv_sec: time_t(atime), tv_nsec: 0), timespec(tv_sec: time_t(mtime), tv_nsec: 0)]
            try check(futimens(fd, &times))
        }
        if a.flags & SFTPAttributes.uidGidFlag != 0, let uid = a.uid, let gid = a.gid {
            try check(fchown(fd, uid_t(uid), gid_t(gid)))
        }
    }

    private func fileSystemStats(_ fd: Int32) throws(Errno) -> SFTPFileSystemStats {
        var s = statvfs()
        try check(fstatvfs(fd, &s))
        var flag: UInt64 = 0
        if s.f_flag & UInt(ST_RDONLY) != 0 || readOnly { flag |= SFTPFileSystemStats.readOnlyFlag }
        if s.f_flag & UInt(ST_NOSUID) != 0 { flag |= SFTPFileSystemStats.noSetUIDFlag }
        return SFTPFileSystemStats(
            blockSize: UInt64(s.f_bsize), fragmentSize: UInt64(s.f_frsize), blocks: UInt64(s.f_blocks),
            freeBlocks: UInt64(s.f_bfree), availableBlocks: UInt64(s.f_bavail), files: UInt64(s.f_files),
            freeFiles: UInt64(s.f_ffree), availableFiles: UInt64(s.f_favail), fileSystemID: UInt64(s.f_fsid),
            flag: flag, maximumNameLength: UInt64(s.f_namemax))
    }

    // MARK: - Directories

    private func openDirectory(id: UInt32, path: [UInt8]) throws(Errno) -> SFTPResponse {
        guard !handles.isFull else {
            logger.warning("SFTP handle limit reached", metadata: ["limit": "\(handles.capacity)"])
            return .status(id: id, .failure)
        }
        let fd = try resolver.resolve(path, followFinalSymlink: true) { (loc) throws(Errno) in
            let fd = openat(loc.directory, loc.cName, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            try check(fd)
            return fd
        }
        var st = stat()
        let isRoot = fstat(fd, &st) == 0 && UInt64(st.st_dev) == rootDevice && UInt64(st.st_ino) == rootInode
        guard let stream = fdopendir(fd) else {
            let error = errno
            _ = Glibc.close(fd)
            throw Errno(rawValue: error)
        }
        guard let handle = handles.insert(.directory(stream: stream, isRoot: isRoot)) else {
            _ = closedir(stream)
            return .status(id: id, .failure)
        }
        return .handle(id: id, handle: handle)
    }

    private func readDirectory(id: UInt32, stream: OpaquePointer, isRoot: Bool) throws(Errno) -> SFTPResponse {
        let fd = dirfd(stream)
        let now = time(nil)
        var entries: [SFTPNameEntry] = []
        while entries.count < Self.readdirBatch {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw Errno(rawValue: errno) }
                break
            }
            let name: [UInt8] = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                Array(raw.prefix(while: { $0 != 0 }))
            }
            // The root's `..` lies outside the share: describe the root itself instead.
            let statName: [CChar] = (isRoot && name == [0x2E, 0x2E]) ? [0x2E, 0] : SFTPPathResolver.cString(name)
            var st = stat()
            guard fstatat(fd, statName, &st, AT_SYMLINK_NOFOLLOW) == 0 else { continue }  // vanished: skip, as OpenSSH does
            entries.append(
                SFTPNameEntry(
                    filename: name, longname: SFTPLongName.format(name: name, status: st, now: now),
                    attributes: Self.attributes(st)))
        }
        if entries.isEmpty { return .status(id: id, .eof) }
        return .name(id: id, entries: entries)
    }

    // MARK: - Names

    /// RENAME keeps SFTP v3 / OpenSSH semantics: never replace an existing target (a regular
    /// file is moved with link + unlink, so the check is atomic). `posix-rename@openssh.com`
    /// is plain rename(2), replacing the target.
    private func rename(_ oldPath: [UInt8], _ newPath: [UInt8], replacing: Bool) throws(Errno) {
        try resolver.resolve(oldPath, followFinalSymlink: false) { (old) throws(Errno) in
            try resolver.resolve(newPath, followFinalSymlink: false) { (new) throws(Errno) in
                if replacing {
                    try check(renameat(old.directory, old.cName, new.directory, new.cName))
                    return
                }
                var st = stat()
                try check(fstatat(old.directory, old.cName, &st, AT_SYMLINK_NOFOLLOW))
                if st.st_mode & S_IFMT == S_IFREG {
                    if linkat(old.directory, old.cName, new.directory, new.cName, 0) == 0 {
                        if unlinkat(old.directory, old.cName, 0) != 0 {
                            let error = errno
                            _ = unlinkat(new.directory, new.cName, 0)
                            throw Errno(rawValue: error)
                        }
                        return
                    }
                    let error = errno
                    guard [EOPNOTSUPP, ENOSYS, EXDEV, EPERM].contains(error) else { throw Errno(rawValue: error) }
                }
                var existing = stat()
                if fstatat(new.directory, new.cName, &existing, AT_SYMLINK_NOFOLLOW) == 0 {
                    throw Errno.fileExists
                }
                try check(renameat(old.directory, old.cName, new.directory, new.cName))
            }
        }
    }

    /// SYMLINK with OpenSSH's argument order (target first). A target that would lead out of
    /// the share when followed on the client (absolute, or `..` above the root) is refused
    /// with PERMISSION_DENIED: this server never follows it, but other programs on the
    /// client would.
    private func symlink(id: UInt32, target: [UInt8], linkPath: [UInt8]) throws(Errno) -> SFTPResponse {
        try resolver.resolve(linkPath, followFinalSymlink: false) { (loc) throws(Errno) -> SFTPResponse in
            guard SFTPPathResolver.symlinkTargetStaysInside(target, directoryComponents: loc.directoryComponents) else {
                logger.notice("SFTP symlink refused: target leaves the shared folder", metadata: ["target": "\(String(decoding: target, as: UTF8.self))"])
                return .status(id: id, .permissionDenied)
            }
            try check(symlinkat(SFTPPathResolver.cString(target), loc.directory, loc.cName))
            return .status(id: id, .ok)
        }
    }

    // MARK: - Helpers

    private func descriptor(of handle: [UInt8]) -> Int32? {
        switch handles.lookup(handle) {
        case .file(let fd): return fd
        case .directory(let stream, _): return dirfd(stream)
        case nil: return nil
        }
    }

    private static func summary(_ request: SFTPRequest) -> String {
        switch request {
        case .write(let id, _, let offset, let data): return "write(id: \(id), offset: \(offset), \(data.count) bytes)"
        default: return "\(request)"
        }
    }
}

/// Throws the current `errno` when a system call returned -1.
@inline(__always)
func check(_ result: Int32) throws(Errno) {
    if result < 0 { throw Errno(rawValue: errno) }
}
