/// File attributes as SFTP version 3 carries them (draft-ietf-secsh-filexfer-02 §5): every
/// field is optional and its presence is a bit in `flags`. Extended attribute pairs are kept
/// as bytes so decoding and re-encoding are lossless; the server ignores them, as OpenSSH does.
public struct SFTPAttributes: Sendable, Hashable {
    public static let sizeFlag: UInt32 = 0x0000_0001
    public static let uidGidFlag: UInt32 = 0x0000_0002
    public static let permissionsFlag: UInt32 = 0x0000_0004
    public static let accessModificationTimeFlag: UInt32 = 0x0000_0008
    public static let extendedFlag: UInt32 = 0x8000_0000

    public var size: UInt64?
    public var uid: UInt32?
    public var gid: UInt32?
    /// `st_mode` including the file type bits, as OpenSSH sends it.
    public var permissions: UInt32?
    public var accessTime: UInt32?
    public var modificationTime: UInt32?
    public var extended: [(type: [UInt8], data: [UInt8])]

    public init(
        size: UInt64? = nil, uid: UInt32? = nil, gid: UInt32? = nil, permissions: UInt32? = nil,
        accessTime: UInt32? = nil, modificationTime: UInt32? = nil,
        extended: [(type: [UInt8], data: [UInt8])] = []
    ) {
        self.size = size
        self.uid = uid
        self.gid = gid
        self.permissions = permissions
        self.accessTime = accessTime
        self.modificationTime = modificationTime
        self.extended = extended
    }

    /// No attributes at all (flags 0), as OpenSSH sends with REALPATH and READLINK names.
    public static let empty = SFTPAttributes()

    /// The `flags` word these attributes encode with. Uid and gid travel together, and so do
    /// the access and modification times; a half-set pair is sent as not present.
    public var flags: UInt32 {
        var f: UInt32 = 0
        if size != nil { f |= Self.sizeFlag }
        if uid != nil, gid != nil { f |= Self.uidGidFlag }
        if permissions != nil { f |= Self.permissionsFlag }
        if accessTime != nil, modificationTime != nil { f |= Self.accessModificationTimeFlag }
        if !extended.isEmpty { f |= Self.extendedFlag }
        return f
    }

    public static func == (lhs: SFTPAttributes, rhs: SFTPAttributes) -> Bool {
        lhs.size == rhs.size && lhs.uid == rhs.uid && lhs.gid == rhs.gid
            && lhs.permissions == rhs.permissions && lhs.accessTime == rhs.accessTime
            && lhs.modificationTime == rhs.modificationTime
            && lhs.extended.count == rhs.extended.count
            && zip(lhs.extended, rhs.extended).allSatisfy { $0.type == $1.type && $0.data == $1.data }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(size)
        hasher.combine(uid)
        hasher.combine(gid)
        hasher.combine(permissions)
        hasher.combine(accessTime)
        hasher.combine(modificationTime)
        hasher.combine(extended.count)
    }
}
