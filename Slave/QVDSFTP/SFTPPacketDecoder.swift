/// Decodes SFTP version 3 packets: framing (`uint32 length`, then the payload) and the
/// payload of every request and reply type. Pure functions over bytes, no I/O, so each can be
/// tested and fuzzed alone (STYLE.md item 2).
///
/// Limits mirror OpenSSH's `sftp-server`: a length field above `maximumPacketLength`
/// (256 KiB, `SFTP_MAX_MSG_LENGTH`) means the peer is broken or hostile and the stream is
/// abandoned. Trailing bytes after a request's known fields are ignored, as OpenSSH does for
/// fields added by later protocol versions.
public enum SFTPPacketDecoder {
    /// Largest accepted value of the length field (the payload, without the 4-byte length).
    public static let maximumPacketLength = 256 * 1024

    /// Finds the first complete packet in `buffer`. Returns the range of its payload (type
    /// byte onwards, indices of `buffer`), or nil when more bytes are needed.
    public static func nextPacket(in buffer: ArraySlice<UInt8>) throws(SFTPDecodeError) -> Range<Int>? {
        guard buffer.count >= 4 else { return nil }
        let s = buffer.startIndex
        let length =
            UInt32(buffer[s]) << 24 | UInt32(buffer[s + 1]) << 16 | UInt32(buffer[s + 2]) << 8
            | UInt32(buffer[s + 3])
        guard length <= maximumPacketLength else {
            throw SFTPDecodeError(.oversized(length: length, limit: maximumPacketLength))
        }
        guard length > 0 else { throw SFTPDecodeError(.empty) }
        guard buffer.count - 4 >= Int(length) else { return nil }
        return (s + 4)..<(s + 4 + Int(length))
    }

    /// Decodes a client request from a packet payload (type byte onwards).
    public static func decodeRequest(_ payload: ArraySlice<UInt8>) throws(SFTPDecodeError) -> SFTPRequest {
        var r = SFTPByteReader(payload)
        let rawType = try r.readByte("type")
        r.packetType = rawType
        guard let type = SFTPPacketType(rawValue: rawType) else {
            return .unknown(type: rawType, id: r.remaining >= 4 ? try r.readUInt32("id") : nil)
        }
        if type == .initialize {
            return .initialize(version: try r.readUInt32("version"))
        }
        let id = try r.readUInt32("id")
        r.requestID = id
        switch type {
        case .open:
            let path = try r.readPath("filename")
            let flags = SFTPOpenFlags(rawValue: try r.readUInt32("pflags"))
            return .open(id: id, path: path, flags: flags, attributes: try r.readAttributes())
        case .close:
            return .close(id: id, handle: try r.readBytes("handle"))
        case .read:
            let handle = try r.readBytes("handle")
            let offset = try r.readUInt64("offset")
            return .read(id: id, handle: handle, offset: offset, length: try r.readUInt32("len"))
        case .write:
            let handle = try r.readBytes("handle")
            let offset = try r.readUInt64("offset")
            return .write(id: id, handle: handle, offset: offset, data: try r.readSlice("data"))
        case .lstat:
            return .lstat(id: id, path: try r.readPath("path"))
        case .fstat:
            return .fstat(id: id, handle: try r.readBytes("handle"))
        case .setstat:
            let path = try r.readPath("path")
            return .setstat(id: id, path: path, attributes: try r.readAttributes())
        case .fsetstat:
            let handle = try r.readBytes("handle")
            return .fsetstat(id: id, handle: handle, attributes: try r.readAttributes())
        case .opendir:
            return .opendir(id: id, path: try r.readPath("path"))
        case .readdir:
            return .readdir(id: id, handle: try r.readBytes("handle"))
        case .remove:
            return .remove(id: id, path: try r.readPath("filename"))
        case .mkdir:
            let path = try r.readPath("path")
            return .mkdir(id: id, path: path, attributes: try r.readAttributes())
        case .rmdir:
            return .rmdir(id: id, path: try r.readPath("path"))
        case .realpath:
            return .realpath(id: id, path: try r.readPath("path"))
        case .stat:
            return .stat(id: id, path: try r.readPath("path"))
        case .rename:
            let old = try r.readPath("oldpath")
            return .rename(id: id, oldPath: old, newPath: try r.readPath("newpath"))
        case .readlink:
            return .readlink(id: id, path: try r.readPath("path"))
        case .symlink:
            let target = try r.readPath("targetpath")
            return .symlink(id: id, target: target, linkPath: try r.readPath("linkpath"))
        case .extended:
            return try decodeExtended(id: id, reader: &r)
        case .initialize, .version, .status, .handle, .data, .name, .attributes, .extendedReply:
            // Reply types sent by a client are requests this server does not implement.
            return .unknown(type: rawType, id: id)
        }
    }

    private static func decodeExtended(id: UInt32, reader r: inout SFTPByteReader) throws(SFTPDecodeError) -> SFTPRequest {
        let name = try r.readBytes("extended-request")
        switch name {
        case Array(SFTPExtension.posixRename.utf8):
            let old = try r.readPath("oldpath")
            return .posixRename(id: id, oldPath: old, newPath: try r.readPath("newpath"))
        case Array(SFTPExtension.statvfs.utf8):
            return .statvfs(id: id, path: try r.readPath("path"))
        case Array(SFTPExtension.fstatvfs.utf8):
            return .fstatvfs(id: id, handle: try r.readBytes("handle"))
        case Array(SFTPExtension.hardlink.utf8):
            let old = try r.readPath("oldpath")
            return .hardlink(id: id, oldPath: old, newPath: try r.readPath("newpath"))
        case Array(SFTPExtension.fsync.utf8):
            return .fsync(id: id, handle: try r.readBytes("handle"))
        default:
            return .unknownExtended(id: id, name: name)
        }
    }

    /// Decodes a server reply from a packet payload (type byte onwards). Used by tests and by
    /// anything in this project that acts as an SFTP client.
    public static func decodeResponse(_ payload: ArraySlice<UInt8>) throws(SFTPDecodeError) -> SFTPResponse {
        var r = SFTPByteReader(payload)
        let rawType = try r.readByte("type")
        r.packetType = rawType
        guard let type = SFTPPacketType(rawValue: rawType) else {
            throw SFTPDecodeError(.unknownResponseType(rawType), packetType: rawType)
        }
        if type == .version {
            let version = try r.readUInt32("version")
            var extensions: [SFTPExtensionPair] = []
            while !r.isAtEnd {
                let name = try r.readBytes("extension-name")
                extensions.append(SFTPExtensionPair(name: name, data: try r.readBytes("extension-data")))
            }
            return .version(version: version, extensions: extensions)
        }
        let id = try r.readUInt32("id")
        r.requestID = id
        switch type {
        case .status:
            let raw = try r.readUInt32("error-code")
            guard let code = SFTPStatusCode(rawValue: raw) else {
                throw SFTPDecodeError(.unknownStatusCode(raw), packetType: rawType, requestID: id)
            }
            // Very old servers omit the message and language tag.
            let message = r.isAtEnd ? "" : String(decoding: try r.readSlice("error-message"), as: UTF8.self)
            return .status(id: id, code: code, message: message)
        case .handle:
            return .handle(id: id, handle: try r.readBytes("handle"))
        case .data:
            return .data(id: id, data: try r.readBytes("data"))
        case .name:
            let count = try r.readUInt32("count")
            // Each entry needs at least 12 bytes: refuse impossible counts before allocating.
            guard UInt64(count) * 12 <= UInt64(r.remaining) else {
                throw SFTPDecodeError(.truncated(field: "names"), packetType: rawType, requestID: id)
            }
            var entries: [SFTPNameEntry] = []
            entries.reserveCapacity(Int(count))
            for _ in 0..<count {
                let filename = try r.readBytes("filename")
                let longname = try r.readBytes("longname")
                entries.append(SFTPNameEntry(filename: filename, longname: longname, attributes: try r.readAttributes()))
            }
            return .name(id: id, entries: entries)
        case .attributes:
            return .attributes(id: id, attributes: try r.readAttributes())
        case .extendedReply:
            var fields: [UInt64] = []
            for field in ["f_bsize", "f_frsize", "f_blocks", "f_bfree", "f_bavail", "f_files", "f_ffree", "f_favail", "f_fsid", "f_flag", "f_namemax"] {
                fields.append(try r.readUInt64(field))
            }
            return .fileSystemStats(
                id: id,
                stats: SFTPFileSystemStats(
                    blockSize: fields[0], fragmentSize: fields[1], blocks: fields[2], freeBlocks: fields[3],
                    availableBlocks: fields[4], files: fields[5], freeFiles: fields[6], availableFiles: fields[7],
                    fileSystemID: fields[8], flag: fields[9], maximumNameLength: fields[10]))
        default:
            throw SFTPDecodeError(.unknownResponseType(rawType), packetType: rawType, requestID: id)
        }
    }
}
