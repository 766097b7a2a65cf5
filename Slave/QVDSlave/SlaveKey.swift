#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The session's slave key: the secret every slave-channel request must carry as
/// `Authorization: Basic <key>` (the raw key, as upstream sends it;
/// `upstream-slave-channel.md` §4.5).
///
/// Upstream logs it, stores it world-readable and compares it with `eq`; here (spec README,
/// deliberate difference 4) it is read from a file that only its owner can change, compared
/// in constant time, and never printed: `description` is a mask.
public struct SlaveKey: Sendable, CustomStringConvertible {
    /// Longest key accepted from a file (upstream's keys are 64 characters).
    public static let maxLength = 1024

    private let bytes: [UInt8]

    /// A key from its text (surrounding whitespace removed). `nil` when it is empty,
    /// too long, or holds a byte outside printable ASCII without spaces.
    public init?(_ text: String) {
        let trimmed = Array(text.utf8).trimmingASCIIWhitespace()
        guard !trimmed.isEmpty, trimmed.count <= Self.maxLength,
              trimmed.allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        bytes = trimmed
    }

    /// The key as text, for the one place that must send it (`SlaveHTTPClient`).
    public var secret: String { String(decoding: bytes, as: UTF8.self) }

    public var description: String { "<slave key, \(bytes.count) characters>" }

    /// Whether `offered` is the key, in time that depends only on `offered`'s length.
    public func matches(_ offered: String) -> Bool {
        let candidate = Array(offered.utf8)
        var difference = UInt(bitPattern: candidate.count ^ bytes.count)
        for index in candidate.indices {
            let expected = index < bytes.count ? bytes[index] : 0
            difference |= UInt(candidate[index] ^ expected)
        }
        return difference == 0
    }

    /// Reads the key from `path` (`internal.vma.slave.config` in the VM, `~/.qvd/slave-key`
    /// on the client). The file must be a regular file owned by the calling user (or root)
    /// that neither group nor others can write: anyone who could write it could choose the
    /// key.
    public static func load(from path: String) throws(SlaveError) -> SlaveKey {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            throw SlaveError(.key, "read slave key \(path)", SlaveError.errnoText())
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw SlaveError(.key, "read slave key \(path)", SlaveError.errnoText())
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw SlaveError(.key, "read slave key \(path)", "not a regular file")
        }
        guard info.st_uid == getuid() || info.st_uid == 0 else {
            throw SlaveError(.key, "read slave key \(path)",
                             "owned by uid \(info.st_uid), not by this user (uid \(getuid())); the agent writes it for the session user")
        }
        guard info.st_mode & 0o022 == 0 else {
            throw SlaveError(.key, "read slave key \(path)",
                             "group or others may write it (mode \(String(info.st_mode & 0o777, radix: 8))); it must be 0600")
        }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while data.count <= maxLength + 64 {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else {
                throw SlaveError(.key, "read slave key \(path)", SlaveError.errnoText())
            }
            if count == 0 { break }
            data += buffer[0..<count]
        }
        guard let key = SlaveKey(String(decoding: data, as: UTF8.self)) else {
            throw SlaveError(.key, "read slave key \(path)",
                             "the file does not hold a key (empty, too long, or not printable ASCII)")
        }
        return key
    }
}

extension Array where Element == UInt8 {
    func trimmingASCIIWhitespace() -> [UInt8] {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        var start = startIndex
        var end = endIndex
        while start < end, isSpace(self[start]) { start += 1 }
        while end > start, isSpace(self[end - 1]) { end -= 1 }
        return Array(self[start..<end])
    }
}
