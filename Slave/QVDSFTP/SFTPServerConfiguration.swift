import SystemPackage

/// What an `SFTPServer` serves: the shared folder (presented to the client as `/`), whether
/// it may be modified, and how many files and directories a client may hold open at once
/// (`README.md` "deliberately differs" item 4; `upstream-slave-channel.md` §6.1).
public struct SFTPServerConfiguration: Sendable {
    /// The shared folder. Every client path resolves inside it.
    public var root: FilePath
    /// Refuse every request that would change the file system with `SSH_FX_PERMISSION_DENIED`.
    public var readOnly: Bool
    /// Open handles per session; OPEN/OPENDIR beyond it get `SSH_FX_FAILURE`.
    public var maxOpenHandles: Int

    public init(root: FilePath, readOnly: Bool = false, maxOpenHandles: Int = 256) {
        self.root = root
        self.readOnly = readOnly
        self.maxOpenHandles = max(1, maxOpenHandles)
    }
}
