import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import QVDCore

/// Writes and removes the session's files under `path.run` (`upstream-vma.md` §2.1, §3.2):
/// every write goes to a temporary file in the same directory and is renamed into place,
/// so a reader (tooling, a restarted agent) never sees half a file, and a full disk leaves
/// the previous file intact.
public struct SessionFileStore: Sendable {
    public let files: SessionStateFiles

    public init(files: SessionStateFiles) {
        self.files = files
    }

    /// Creates the run directory (0755) if it is missing.
    public func prepareRunDirectory() throws(SessionFileError) {
        var status = stat()
        if stat(files.runDirectory, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else { throw SessionFileError(path: files.runDirectory, operation: "use as run directory", reason: "it is not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: files.runDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: Int(SessionStateFiles.runDirectoryMode)])
        } catch {
            throw SessionFileError(path: files.runDirectory, operation: "create", reason: "\(error)")
        }
    }

    public func writeState(_ record: SessionStateRecord) throws(SessionFileError) {
        try Self.atomicWrite(record.fileContents, to: files.stateFilePath, mode: SessionStateFiles.stateFileMode)
    }

    public func writePID(_ pid: Int32) throws(SessionFileError) {
        try Self.atomicWrite(SessionStateFiles.pidFileContents(pid), to: files.pidFilePath, mode: SessionStateFiles.pidFileMode)
    }

    public func writeOptions(_ contents: String) throws(SessionFileError) {
        try Self.atomicWrite(contents, to: files.optionsFilePath, mode: SessionStateFiles.optionsFileMode)
    }

    /// `slave.conf`: the slave key with no newline (as upstream), 0600 because it is a
    /// secret (spec README, deliberate difference 4); `owner` lets the session user's
    /// slave server read it.
    public func writeSlaveKey(_ key: String, owner: (uid: uid_t, gid: gid_t)? = nil) throws(SessionFileError) {
        try Self.atomicWrite(key, to: files.slaveConfigPath, mode: SessionStateFiles.slaveConfigMode, owner: owner)
    }

    /// Hands `slave.conf` to the session user once the account exists.
    public func chownSlaveKey(to owner: (uid: uid_t, gid: gid_t)) {
        _ = chown(files.slaveConfigPath, owner.uid, owner.gid)
    }

    /// `printing.conf` as upstream writes it (transcript S36): a `# <date>` comment, a blank
    /// line, then `key=value` lines.
    public func writePrintingConfig(enabled: Bool, printingPort: Int, slavePort: Int, clientOS: String?, flavor: String?) throws(SessionFileError) {
        var text = "# \(Date())\n\nqvd.printing.enabled=\(enabled ? 1 : 0)\nqvd.printing.port=\(printingPort)\nqvd.slave.port=\(slavePort)\n"
        if let clientOS { text += "qvd.client.os=\(Self.singleLine(clientOS))\n" }
        if let flavor { text += "qvd.client.printing.flavor=\(Self.singleLine(flavor))\n" }
        try Self.atomicWrite(text, to: files.printingConfigPath, mode: SessionStateFiles.printingConfigMode)
    }

    /// Removes `nxagent.state` and `nxagent.pid`; a missing file is fine.
    public func removeStateFiles() {
        unlink(files.stateFilePath)
        unlink(files.pidFilePath)
    }

    public func readStateFile() -> String? { Self.read(files.stateFilePath) }
    public func readPIDFile() -> String? { Self.read(files.pidFilePath) }

    static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    private static func singleLine(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != "\n" && $0 != "\r" })
    }

    /// Replaces `path` all at once (Core's ``AtomicFile``), with an error that says what
    /// the administrator should check.
    public static func atomicWrite(_ contents: String, to path: String, mode: UInt16,
                                   owner: (uid: uid_t, gid: gid_t)? = nil) throws(SessionFileError) {
        do {
            try AtomicFile.write(contents, to: path, mode: mode, owner: owner)
        } catch {
            throw SessionFileError(path: path, operation: error.operation, reason: error.reason)
        }
    }
}

/// A session file could not be written or read.
public struct SessionFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let reason: String

    public var description: String {
        "cannot \(operation) \(path): \(reason) (check that path.run exists, is writable by root and the disk is not full)"
    }
}
