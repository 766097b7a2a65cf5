import Foundation

/// `~/.qvd/slave-key` (the 64-character `X-QVD-Slave-Key`, no newline) and
/// `~/.qvd/slave-port` (digits, no newline), for the slave-channel tools
/// (`upstream-l7r-protocol.md` §5.3, `upstream-clients-observed.md` §5.5). Written 0600
/// (created with that mode, never world-readable) and removed at the end of the session
/// (upstream leaves the key behind).
public struct SlaveKeyFile: Sendable {
    public let directory: String
    public var keyPath: String { directory + "/slave-key" }
    public var portPath: String { directory + "/slave-port" }

    public init(directory: String) {
        self.directory = directory
    }

    public func write(key: String, port: Int?) throws(ClientError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try writePrivate(Array(key.utf8), to: keyPath)
            if let port { try writePrivate(Array(String(port).utf8), to: portPath) }
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError(.nxproxy, phase: .session, "cannot write \(keyPath): \(error)")
        }
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: keyPath)
        try? FileManager.default.removeItem(atPath: portPath)
    }

    private func writePrivate(_ bytes: [UInt8], to path: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ClientError(.nxproxy, phase: .session, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { FileCheck.write(fd, $0) }
        guard written == bytes.count else {
            throw ClientError(.nxproxy, phase: .session, "cannot write \(path)")
        }
    }
}
