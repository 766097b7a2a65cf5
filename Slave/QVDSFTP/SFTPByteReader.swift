/// Reads SFTP's big-endian integers and length-prefixed strings from a packet payload.
/// Pure value; every read checks bounds and throws instead of trapping.
struct SFTPByteReader {
    private let bytes: ArraySlice<UInt8>
    private(set) var index: Int
    var packetType: UInt8?
    var requestID: UInt32?

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    var remaining: Int { bytes.endIndex - index }
    var isAtEnd: Bool { index >= bytes.endIndex }

    private func truncated(_ field: String) -> SFTPDecodeError {
        SFTPDecodeError(.truncated(field: field), packetType: packetType, requestID: requestID)
    }

    mutating func readByte(_ field: String) throws(SFTPDecodeError) -> UInt8 {
        guard remaining >= 1 else { throw truncated(field) }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func readUInt32(_ field: String) throws(SFTPDecodeError) -> UInt32 {
        guard remaining >= 4 else { throw truncated(field) }
        var value: UInt32 = 0
        for i in index..<(index + 4) { value = value << 8 | UInt32(bytes[i]) }
        index += 4
        return value
    }

    mutating func readUInt64(_ field: String) throws(SFTPDecodeError) -> UInt64 {
        guard remaining >= 8 else { throw truncated(field) }
        var value: UInt64 = 0
        for i in index..<(index + 8) { value = value << 8 | UInt64(bytes[i]) }
        index += 8
        return value
    }

    /// A `string` field as a slice of the payload (no copy).
    mutating func readSlice(_ field: String) throws(SFTPDecodeError) -> ArraySlice<UInt8> {
        let length = try readUInt32(field)
        guard UInt64(remaining) >= UInt64(length) else { throw truncated(field) }
        let start = index
        index += Int(length)
        return bytes[start..<index]
    }

    mutating func readBytes(_ field: String) throws(SFTPDecodeError) -> [UInt8] {
        Array(try readSlice(field))
    }

    /// A path or file name: a string that must not contain NUL (it could not reach a system call intact).
    mutating func readPath(_ field: String) throws(SFTPDecodeError) -> [UInt8] {
        let slice = try readSlice(field)
        if slice.contains(0) {
            throw SFTPDecodeError(.embeddedNUL(field: field), packetType: packetType, requestID: requestID)
        }
        return Array(slice)
    }

    mutating func readAttributes() throws(SFTPDecodeError) -> SFTPAttributes {
        let flags = try readUInt32("attrs.flags")
        var attributes = SFTPAttributes()
        if flags & SFTPAttributes.sizeFlag != 0 { attributes.size = try readUInt64("attrs.size") }
        if flags & SFTPAttributes.uidGidFlag != 0 {
            attributes.uid = try readUInt32("attrs.uid")
            attributes.gid = try readUInt32("attrs.gid")
        }
        if flags & SFTPAttributes.permissionsFlag != 0 {
            attributes.permissions = try readUInt32("attrs.permissions")
        }
        if flags & SFTPAttributes.accessModificationTimeFlag != 0 {
            attributes.accessTime = try readUInt32("attrs.atime")
            attributes.modificationTime = try readUInt32("attrs.mtime")
        }
        if flags & SFTPAttributes.extendedFlag != 0 {
            let count = try readUInt32("attrs.extended_count")
            // Each pair needs at least 8 bytes, so a huge count fails here, not in an allocation.
            guard UInt64(count) * 8 <= UInt64(remaining) else { throw truncated("attrs.extended") }
            for _ in 0..<count {
                let type = try readBytes("attrs.extended_type")
                let data = try readBytes("attrs.extended_data")
                attributes.extended.append((type: type, data: data))
            }
        }
        return attributes
    }
}
