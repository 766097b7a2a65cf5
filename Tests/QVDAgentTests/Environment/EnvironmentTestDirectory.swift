#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory under /tmp, removed with everything in it when released (also when
/// a test fails).
final class EnvironmentTestDirectory {
    typealias Failure = TestTemporaryDirectory.Failure

    let path: String

    init() throws {
        self.path = try TestTemporaryDirectory.make(prefix: Self.prefix)
    }

    private static let prefix = "/tmp/qvd-environment-"

    deinit { TestTemporaryDirectory.removeTree(path, prefix: Self.prefix) }

    /// Writes `text` to `name` (relative) with `mode`, creating parent directories.
    @discardableResult
    func write(_ name: String, _ text: String, mode: mode_t = 0o644) throws -> String {
        let file = path + "/" + name
        var parent = path
        for component in name.split(separator: "/").dropLast() {
            parent += "/" + component
            mkdir(parent, 0o755)
        }
        let descriptor = open(file, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Failure(description: "cannot create \(file)") }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fchmod(descriptor, mode) == 0 else { throw Failure(description: "cannot write \(file)") }
        return file
    }

    /// Creates the directory `name` (relative) and returns its path.
    @discardableResult
    func makeDirectory(_ name: String, mode: mode_t = 0o755) throws -> String {
        let directory = path + "/" + name
        guard mkdir(directory, mode) == 0 else { throw Failure(description: "cannot create \(directory)") }
        return directory
    }
}
