#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory under /tmp, removed with everything in it when released (also when
/// a test fails).
final class EnvironmentTestDirectory {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let path: String

    init() throws {
        var template = Array("/tmp/qvd-environment-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { $0.baseAddress.flatMap { mkdtemp($0) } }
        guard let path = made.map({ String(cString: $0) }) else { throw Failure(description: "mkdtemp failed") }
        self.path = path
    }

    deinit { Self.remove(path) }

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

    private static func remove(_ path: String) {
        guard path.hasPrefix("/tmp/qvd-environment-") else { return }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            chmod(path, 0o700)
            if let directory = opendir(path) {
                var names: [String] = []
                while let entry = readdir(directory) {
                    let name = withUnsafePointer(to: entry.pointee.d_name) {
                        $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                    }
                    if name != "." && name != ".." { names.append(name) }
                }
                closedir(directory)
                for name in names { remove(path + "/" + name) }
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
