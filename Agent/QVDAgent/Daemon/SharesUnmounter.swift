import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import QVDCore

/// Unmounts the client's shares under `~/Redirected` and removes their mount directories,
/// on suspend and on stop (spec README, deliberate difference 3: upstream only unmounted on
/// suspend and left the directories behind).
public struct SharesUnmounter: Sendable {
    public let root: String
    public let logger: Logger

    public init(root: String, logger: Logger) {
        self.root = root
        self.logger = logger
    }

    /// Mount points below `root`, deepest first, read from `/proc/self/mountinfo`.
    public func mountPoints(mountinfo: String? = nil) -> [String] {
        let text = mountinfo ?? ((try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? "")
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return text.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            guard fields.count > 4 else { return nil }
            let point = Self.unescape(String(fields[4]))
            return point.hasPrefix(prefix) ? point : nil
        }.sorted { $0.count > $1.count }
    }

    /// Lazily unmounts every share and removes the empty directories; failures are logged.
    public func unmountAll() {
        let points = mountPoints()
        for point in points {
            // Lazy unmount: a process with a file open must not keep the session from suspending.
            if umount2(point, Int32(MNT_DETACH)) != 0 {
                logger.warning("cannot unmount share", metadata: ["path": "\(point)", "errno": "\(errno)"])
            }
        }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: root) else { return }
        for entry in entries {
            // rmdir only removes empty directories: files the user put there are never lost.
            rmdir(root + "/" + entry)
        }
    }

    /// mountinfo escapes space, tab, newline and backslash as `\ooo` octal.
    static func unescape(_ field: String) -> String {
        let input = Array(field.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "\\"), index + 3 < input.count,
               let code = UInt8(String(decoding: input[(index + 1)...(index + 3)], as: UTF8.self), radix: 8) {
                output.append(code)
                index += 4
            } else {
                output.append(input[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
