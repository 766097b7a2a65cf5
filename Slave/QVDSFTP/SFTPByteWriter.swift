/// Appends SFTP's big-endian integers and length-prefixed strings to a byte buffer, and
/// frames packets (length prefix filled in when the packet ends).
struct SFTPByteWriter {
    var bytes: [UInt8]

    init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    init(appendingTo bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func writeByte(_ value: UInt8) { bytes.append(value) }

    mutating func writeUInt32(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func writeUInt64(_ value: UInt64) {
        writeUInt32(UInt32(truncatingIfNeeded: value >> 32))
        writeUInt32(UInt32(truncatingIfNeeded: value))
    }

    mutating func writeString<C: Collection>(_ value: C) where C.Element == UInt8 {
        writeUInt32(UInt32(truncatingIfNeeded: value.count))
        bytes.append(contentsOf: value)
    }

    mutating func writeString(_ value: String) { writeString(Array(value.utf8)) }

    mutating func writeAttributes(_ attributes: SFTPAttributes) {
        let flags = attributes.flags
        writeUInt32(flags)
        if let size = attributes.size { writeUInt64(size) }
        if flags & SFTPAttributes.uidGidFlag != 0, let uid = attributes.uid, let gid = attributes.gid {
            writeUInt32(uid)
            writeUInt32(gid)
        }
        if let permissions = attributes.permissions { writeUInt32(permissions) }
        if flags & SFTPAttributes.accessModificationTimeFlag != 0,
            let atime = attributes.accessTime, let mtime = attributes.modificationTime
        {
            writeUInt32(atime)
            writeUInt32(mtime)
        }
        if !attributes.extended.isEmpty {
            writeUInt32(UInt32(truncatingIfNeeded: attributes.extended.count))
            for pair in attributes.extended {
                writeString(pair.type)
                writeString(pair.data)
            }
        }
    }

    /// Starts a packet: reserves the length field and writes the type. Returns the offset of
    /// the length field for `endPacket`.
    mutating func beginPacket(_ type: SFTPPacketType) -> Int {
        let start = bytes.count
        writeUInt32(0)
        writeByte(type.rawValue)
        return start
    }

    mutating func endPacket(startingAt start: Int) {
        let length = UInt32(truncatingIfNeeded: bytes.count - start - 4)
        bytes[start] = UInt8(truncatingIfNeeded: length >> 24)
        bytes[start + 1] = UInt8(truncatingIfNeeded: length >> 16)
        bytes[start + 2] = UInt8(truncatingIfNeeded: length >> 8)
        bytes[start + 3] = UInt8(truncatingIfNeeded: length)
    }
}
