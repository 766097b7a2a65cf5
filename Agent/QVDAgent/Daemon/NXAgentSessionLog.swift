import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import QVDCore
import SystemPackage

/// `${path.log}/qvd-nxagent.log` (`upstream-vma.md` §2.1): the agent writes a header per
/// launch, xinit/nxagent/X-session output goes straight into it, and `out closed` marks the
/// end of a session.
public struct NXAgentSessionLog: Sendable {
    public let path: String
    public let descriptor: FileDescriptor

    public static func open(path: String) throws(SessionFileError) -> NXAgentSessionLog {
        do {
            let fd = try FileDescriptor.open(path, .writeOnly, options: [.append, .create, .closeOnExec],
                                             permissions: [.ownerReadWrite, .groupRead])
            return NXAgentSessionLog(path: path, descriptor: fd)
        } catch {
            throw SessionFileError(path: path, operation: "open for appending", reason: "\(error)")
        }
    }

    /// Upstream's lines before a launch: a timestamp and the full command.
    public func writeLaunchHeader(command: [String]) {
        let stamp = Self.utcStamp(Date())
        write("=== Opened log file at \(Date()) ====\n\(stamp): Starting nxagent\nrunning \(command.joined(separator: " "))\n")
    }

    /// Appends one line by path (the descriptor may already be closed).
    public func appendLine(_ line: String) {
        guard let fd = try? FileDescriptor.open(path, .writeOnly, options: [.append, .closeOnExec]) else { return }
        _ = try? fd.closeAfter { try fd.writeAll(Array((line + "\n").utf8)) }
    }

    public func close() { try? descriptor.close() }

    private func write(_ text: String) { _ = try? descriptor.writeAll(Array(text.utf8)) }

    static func utcStamp(_ date: Date) -> String {
        // gmtime_r rather than DateFormatter: the agent links FoundationEssentials only
        // (no ICU), which keeps its resident size small.
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return "00000000000000" }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)" + two(parts.tm_mon + 1) + two(parts.tm_mday)
            + two(parts.tm_hour) + two(parts.tm_min) + two(parts.tm_sec)
    }
}
