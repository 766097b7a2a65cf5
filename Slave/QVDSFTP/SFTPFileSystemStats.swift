/// The `statvfs@openssh.com` reply body (OpenSSH `PROTOCOL` §4.4): eleven uint64 fields.
public struct SFTPFileSystemStats: Sendable, Hashable {
    /// `flag` bit for a read-only file system.
    public static let readOnlyFlag: UInt64 = 0x1
    /// `flag` bit for a file system mounted nosuid.
    public static let noSetUIDFlag: UInt64 = 0x2

    public var blockSize: UInt64
    public var fragmentSize: UInt64
    public var blocks: UInt64
    public var freeBlocks: UInt64
    public var availableBlocks: UInt64
    public var files: UInt64
    public var freeFiles: UInt64
    public var availableFiles: UInt64
    public var fileSystemID: UInt64
    public var flag: UInt64
    public var maximumNameLength: UInt64

    public init(
        blockSize: UInt64, fragmentSize: UInt64, blocks: UInt64, freeBlocks: UInt64,
        availableBlocks: UInt64, files: UInt64, freeFiles: UInt64, availableFiles: UInt64,
        fileSystemID: UInt64, flag: UInt64, maximumNameLength: UInt64
    ) {
        self.blockSize = blockSize
        self.fragmentSize = fragmentSize
        self.blocks = blocks
        self.freeBlocks = freeBlocks
        self.availableBlocks = availableBlocks
        self.files = files
        self.freeFiles = freeFiles
        self.availableFiles = availableFiles
        self.fileSystemID = fileSystemID
        self.flag = flag
        self.maximumNameLength = maximumNameLength
    }
}
