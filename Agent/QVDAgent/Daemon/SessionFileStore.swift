import Foundation
import QVDCore
import SystemPackage

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
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: files.runDirectory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw SessionFileError(path: files.runDirectory, operation: "use as run directory", reason: "it is not a directory") }
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

    /// Writes `contents` to a temporary file beside `path`, fsyncs it, and renames it over
    /// `path`. On any failure the temporary file is removed and `path` is untouched.
    public static func atomicWrite(_ contents: String, to path: String, mode: UInt16,
                                   owner: (uid: uid_t, gid: gid_t)? = nil) throws(SessionFileError) {
        let directory = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        let temporary = "\(directory)/.\(base).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(temporary, .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec],
                                         permissions: FilePermissions(rawValue: CModeT(mode)))
        } catch {
            throw SessionFileError(path: path, operation: "create", reason: "\(error)")
        }
        do {
            try fd.closeAfter {
                _ = try fd.writeAll(Array(contents.utf8))
                // The umask may have narrowed the mode; set it exactly.
                guard fchmod(fd.rawValue, mode_t(mode)) == 0 else { throw Errno(rawValue: errno) }
                if let owner, fchown(fd.rawValue, owner.uid, owner.gid) != 0 { throw Errno(rawValue: errno) }
                guard fsync(fd.rawValue) == 0 else { throw Errno(rawValue: errno) }
            }
            guard rename(temporary, path) == 0 else { throw Errno(rawValue: errno) }
        } catch {
            unlink(temporary)
            throw SessionFileError(path: path, operation: "write", reason: "\(error)")
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
