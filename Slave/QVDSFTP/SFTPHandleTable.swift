#if canImport(Glibc)
import Glibc
#endif

/// Open file and directory handles of one session. Handles are 4-byte big-endian numbers
/// (like OpenSSH's); a number is not reused until the 32-bit counter wraps, so a stale
/// handle from a client never reaches a newer file by accident. At most `capacity` are open.
struct SFTPHandleTable {
    enum Entry {
        case file(descriptor: Int32)
        /// `isRoot` tells READDIR to report the root's own attributes for `..`.
        case directory(stream: OpaquePointer, isRoot: Bool)
    }

    let capacity: Int
    private var entries: [UInt32: Entry] = [:]
    private var next: UInt32 = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    var count: Int { entries.count }
    var isFull: Bool { entries.count >= capacity }

    /// Stores `entry` and returns its handle, or nil when the table is full.
    mutating func insert(_ entry: Entry) -> [UInt8]? {
        guard !isFull else { return nil }
        while entries[next] != nil { next &+= 1 }
        let number = next
        next &+= 1
        entries[number] = entry
        return Self.encode(number)
    }

    func lookup(_ handle: [UInt8]) -> Entry? {
        guard let number = Self.decode(handle) else { return nil }
        return entries[number]
    }

    mutating func remove(_ handle: [UInt8]) -> Entry? {
        guard let number = Self.decode(handle) else { return nil }
        return entries.removeValue(forKey: number)
    }

    /// Closes every open handle (end of session).
    mutating func closeAll() {
        for entry in entries.values {
            switch entry {
            case .file(let fd): _ = Glibc.close(fd)
            case .directory(let stream, _): _ = closedir(stream)
            }
        }
        entries.removeAll()
    }

    static func encode(_ number: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: number >> 24), UInt8(truncatingIfNeeded: number >> 16),
         UInt8(truncatingIfNeeded: number >> 8), UInt8(truncatingIfNeeded: number)]
    }

    static func decode(_ handle: [UInt8]) -> UInt32? {
        guard handle.count == 4 else { return nil }
        return UInt32(handle[0]) << 24 | UInt32(handle[1]) << 16 | UInt32(handle[2]) << 8 | UInt32(handle[3])
    }
}
