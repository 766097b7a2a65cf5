#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import QVDCore

/// `~/.qvd/slave-shares.json` (mode 0600): the shares this user's `qvd-slaveclient share`
/// processes serve, so `open FILE` finds the ticket of the share holding FILE and `list`
/// shows local folders. Updates are read-modify-write under an exclusive lock on
/// `slave-shares.lock`; records whose process is gone are dropped on every read.
public struct ShareStateFile: Sendable {
    public let path: String
    var lockPath: String { path.replacingOccurrences(of: ".json", with: ".lock") }

    public init(path: String) {
        self.path = path
    }

    /// The live records.
    public func records() -> [ShareRecord] {
        (try? withLock { read() }) ?? read()
    }

    /// Adds `record` (replacing one with the same ticket and port).
    public func add(_ record: ShareRecord) throws(SlaveError) {
        try update { records in
            records.removeAll { $0.ticket == record.ticket && $0.port == record.port }
            records.append(record)
        }
    }

    /// Removes the records `matching` says to.
    public func remove(where matching: @escaping (ShareRecord) -> Bool) throws(SlaveError) {
        try update { $0.removeAll(where: matching) }
    }

    /// The record whose folder holds canonical `file`, deepest folder first.
    public func share(containing file: String, port: Int) -> ShareRecord? {
        records()
            .filter { $0.port == port && ResolvedPath.isInside(file, root: $0.path) }
            .max { $0.path.count < $1.path.count }
    }

    private func update(_ change: @escaping (inout [ShareRecord]) -> Void) throws(SlaveError) {
        let path = path
        try withLock { () throws(SlaveError) in
            var records = read()
            change(&records)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = (try? encoder.encode(records)) ?? Data("[]".utf8)
            do {
                try AtomicFile.write(Array(data), to: path, mode: 0o600)
            } catch {
                throw SlaveError(.fileSystem, "write \(path)", "\(error)")
            }
        }
    }

    private func read() -> [ShareRecord] {
        guard let data = FileManager.default.contents(atPath: path),
              let records = try? JSONDecoder().decode([ShareRecord].self, from: data) else { return [] }
        return records.filter { kill($0.pid, 0) == 0 || errno == EPERM }
    }

    private func withLock<T>(_ body: () throws(SlaveError) -> T) throws(SlaveError) -> T {
        let directory = (path as NSString).deletingLastPathComponent
        _ = mkdir(directory, 0o700)
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SlaveError(.fileSystem, "open \(lockPath)", SlaveError.errnoText()) }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw SlaveError(.fileSystem, "lock \(lockPath)", SlaveError.errnoText()) }
        return try body()
    }
}
