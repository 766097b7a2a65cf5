import Foundation

/// Where the running session's slave port and key are: `~/.qvd/slave-port` and
/// `~/.qvd/slave-key`, written 0600 by `qvdclient` (`SlaveKeyFile`) and removed when the
/// session ends (`upstream-slave-channel.md` §1.1, §4.5).
public struct SlaveSessionFiles: Sendable {
    public let directory: String
    public var portPath: String { directory + "/slave-port" }
    public var keyPath: String { directory + "/slave-key" }
    /// Shares this user's `qvd-slaveclient share` processes serve (``ShareStateFile``).
    public var sharesPath: String { directory + "/slave-shares.json" }

    public init(home: String) {
        self.directory = (home.hasSuffix("/") ? String(home.dropLast()) : home) + "/.qvd"
    }

    /// The port and key of the running session.
    public func load() throws(SlaveError) -> (port: Int, key: SlaveKey) {
        guard FileManager.default.fileExists(atPath: portPath) else {
            throw SlaveError(.noSession, "no QVD session is running (\(portPath) missing)", "start qvdclient first")
        }
        guard let text = try? String(contentsOfFile: portPath, encoding: .utf8),
              let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), (1...65_535).contains(port) else {
            throw SlaveError(.noSession, "read \(portPath)", "it does not hold a port number; restart qvdclient")
        }
        guard FileManager.default.fileExists(atPath: keyPath) else {
            throw SlaveError(.noSession, "no QVD session is running (\(keyPath) missing)", "start qvdclient first")
        }
        return (port, try SlaveKey.load(from: keyPath))
    }
}
