#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a configuration file's bytes, telling "does not exist" (fine for an optional
/// file) apart from "exists but cannot be read" (always an error).
enum ConfigFileReader {
    enum Outcome {
        case missing
        case contents([UInt8])
    }

    /// Files larger than this are refused: a configuration file that big is a mistake
    /// (a log or an image given to `--config`).
    static let maximumSize = 4 << 20

    static func load(_ path: String) throws(ConfigError) -> Outcome {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return .missing }
            throw .unreadableFile(path: path, reason: reason(code))
        }
        defer { close(descriptor) }

        var status = stat()
        if fstat(descriptor, &status) != 0 {
            throw .unreadableFile(path: path, reason: reason(errno))
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw .unreadableFile(path: path, reason: "it is a directory")
        }

        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadableFile(path: path, reason: reason(errno))
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > maximumSize {
                throw .unreadableFile(path: path, reason: "larger than \(maximumSize >> 20) MiB; this is not a configuration file")
            }
        }
        return .contents(bytes)
    }

    private static func reason(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
