#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Entry point for programs whose issue has not landed yet: a clear message and exit
/// status 2, so scripts never mistake a placeholder for a working tool.
public enum NotImplemented {
    public static func exit(program: String, issue: String) -> Never {
        let message = "\(program): not implemented yet (tracked in \(issue)); this build ships only a placeholder.\n"
        _ = try? FileDescriptor.standardError.writeAll(Array(message.utf8))
        Glibc.exit(2)
    }
}
