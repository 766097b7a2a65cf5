/// Encodes SFTP version 3 packets, length prefix included, by appending to a byte buffer
/// (so the server batches many replies into one `write`). Pure functions, no I/O
/// (STYLE.md item 2). The request side exists for tests and for SFTP clients.
public enum SFTPPacketEncoder {
    /// Appends the framed packet for `response` to `buffer`.
    public static func encode(_ response: SFTPResponse, into buffer: inout [UInt8]) {
        var w = SFTPByteWriter(appendingTo: [])
        swap(&w.bytes, &buffer)
        defer { swap(&w.bytes, &buffer) }
        switch response {
        case .version(let version, let extensions):
            let start = w.beginPacket(.version)
            w.writeUInt32(version)
            for pair in extensions {
                w.writeString(pair.name)
                w.writeString(pair.data)
            }
            w.endPacket(startingAt: start)
        case .status(let id, let code, let message):
            let start = w.beginPacket(.status)
            w.writeUInt32(id)
            w.writeUInt32(code.rawValue)
            w.writeString(message)
            w.writeString("")  // language tag, empty as OpenSSH sends it
            w.endPacket(startingAt: start)
        case .handle(let id, let handle):
            let start = w.beginPacket(.handle)
            w.writeUInt32(id)
            w.writeString(handle)
            w.endPacket(startingAt: start)
        case .data(let id, let data):
            let start = w.beginPacket(.data)
            w.writeUInt32(id)
            w.writeString(data)
            w.endPacket(startingAt: start)
        case .name(let id, let entries):
            let start = w.beginPacket(.name)
            w.writeUInt32(id)
            w.writeUInt32(UInt32(truncatingIfNeeded: entries.count))
            for entry in entries {
                w.writeString(entry.filename)
                w.writeString(entry.longname)
                w.writeAttributes(entry.attributes)
            }
            w.endPacket(startingAt: start)
        case .attributes(let id, let attributes):
            let start = w.beginPacket(.attributes)
            w.writeUInt32(id)
            w.writeAttributes(attributes)
            w.endPacket(startingAt: start)
        case .fileSystemStats(let id, let s):
            let start = w.beginPacket(.extendedReply)
            w.writeUInt32(id)
            for field in [
                s.blockSize, s.fragmentSize, s.blocks, s.freeBlocks, s.availableBlocks, s.files,
                s.freeFiles, s.availableFiles, s.fileSystemID, s.flag, s.maximumNameLength,
            ] {
                w.writeUInt64(field)
            }
            w.endPacket(startingAt: start)
        }
    }

    /// The framed packet for `response`.
    public static func encode(_ response: SFTPResponse) -> [UInt8] {
        var buffer: [UInt8] = []
        encode(response, into: &buffer)
        return buffer
    }

    /// The framed packet for `request`. `.unknown` encodes its type and id only.
    public static func encode(_ request: SFTPRequest) -> [UInt8] {
        var w = SFTPByteWriter()
        func packet(_ type: SFTPPacketType, _ id: UInt32, _ body: (inout SFTPByteWriter) -> Void) {
            let start = w.beginPacket(type)
            w.writeUInt32(id)
            body(&w)
            w.endPacket(startingAt: start)
        }
        func extended(_ name: String, _ id: UInt32, _ body: (inout SFTPByteWriter) -> Void) {
            packet(.extended, id) { w in
                w.writeString(name)
                body(&w)
            }
        }
        switch request {
        case .initialize(let version):
            let start = w.beginPacket(.initialize)
            w.writeUInt32(version)
            w.endPacket(startingAt: start)
        case .open(let id, let path, let flags, let attributes):
            packet(.open, id) {
                $0.writeString(path)
                $0.writeUInt32(flags.rawValue)
                $0.writeAttributes(attributes)
            }
        case .close(let id, let handle): packet(.close, id) { $0.writeString(handle) }
        case .read(let id, let handle, let offset, let length):
            packet(.read, id) {
                $0.writeString(handle)
                $0.writeUInt64(offset)
                $0.writeUInt32(length)
            }
        case .write(let id, let handle, let offset, let data):
            packet(.write, id) {
                $0.writeString(handle)
                $0.writeUInt64(offset)
                $0.writeString(data)
            }
        case .lstat(let id, let path): packet(.lstat, id) { $0.writeString(path) }
        case .fstat(let id, let handle): packet(.fstat, id) { $0.writeString(handle) }
        case .setstat(let id, let path, let attributes):
            packet(.setstat, id) {
                $0.writeString(path)
                $0.writeAttributes(attributes)
            }
        case .fsetstat(let id, let handle, let attributes):
            packet(.fsetstat, id) {
                $0.writeString(handle)
                $0.writeAttributes(attributes)
            }
        case .opendir(let id, let path): packet(.opendir, id) { $0.writeString(path) }
        case .readdir(let id, let handle): packet(.readdir, id) { $0.writeString(handle) }
        case .remove(let id, let path): packet(.remove, id) { $0.writeString(path) }
        case .mkdir(let id, let path, let attributes):
            packet(.mkdir, id) {
                $0.writeString(path)
                $0.writeAttributes(attributes)
            }
        case .rmdir(let id, let path): packet(.rmdir, id) { $0.writeString(path) }
        case .realpath(let id, let path): packet(.realpath, id) { $0.writeString(path) }
        case .stat(let id, let path): packet(.stat, id) { $0.writeString(path) }
        case .rename(let id, let old, let new):
            packet(.rename, id) {
                $0.writeString(old)
                $0.writeString(new)
            }
        case .readlink(let id, let path): packet(.readlink, id) { $0.writeString(path) }
        case .symlink(let id, let target, let linkPath):
            packet(.symlink, id) {
                $0.writeString(target)
                $0.writeString(linkPath)
            }
        case .posixRename(let id, let old, let new):
            extended(SFTPExtension.posixRename, id) {
                $0.writeString(old)
                $0.writeString(new)
            }
        case .statvfs(let id, let path): extended(SFTPExtension.statvfs, id) { $0.writeString(path) }
        case .fstatvfs(let id, let handle): extended(SFTPExtension.fstatvfs, id) { $0.writeString(handle) }
        case .hardlink(let id, let old, let new):
            extended(SFTPExtension.hardlink, id) {
                $0.writeString(old)
                $0.writeString(new)
            }
        case .fsync(let id, let handle): extended(SFTPExtension.fsync, id) { $0.writeString(handle) }
        case .unknownExtended(let id, let name):
            packet(.extended, id) { $0.writeString(name) }
        case .unknown(let type, let id):
            w.writeUInt32(id == nil ? 1 : 5)
            w.writeByte(type)
            if let id { w.writeUInt32(id) }
        }
        return w.bytes
    }
}
