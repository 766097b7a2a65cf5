#if canImport(Glibc)
import Glibc
#endif

/// Making and removing the tests' own temporary directories under /tmp, shared by
/// `EnvironmentTestDirectory` and `ProvisioningTestSystem`.
enum TestTemporaryDirectory {
    /// A directory or file the test could not create.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A new, empty directory `<prefix>XXXXXX` (`prefix` such as `/tmp/qvd-environment-`).
    static func make(prefix: String) throws -> String {
        var template = Array((prefix + "XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { $0.baseAddress.flatMap { mkdtemp($0) } }
        guard let path = made.map({ String(cString: $0) }) else {
            throw Failure(description: "mkdtemp failed for \(prefix)XXXXXX")
        }
        return path
    }

    /// `rm -rf` without a shell, and only below `prefix` (the test's own directory): each
    /// directory is made accessible to its owner first, so a test that took permissions
    /// away still leaves nothing behind.
    static func removeTree(_ path: String, prefix: String) {
        guard path.hasPrefix(prefix) else { return }
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
                for name in names { removeTree(path + "/" + name, prefix: prefix) }
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
