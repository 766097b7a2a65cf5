import SystemPackage

/// Why an `SFTPServer` could not start or had to stop serving because of a local failure.
/// (A peer that breaks the protocol or hangs up is not an error: `serve` logs it and returns.)
public struct SFTPServerError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Operation: Sendable, Hashable {
        /// Opening the shared folder failed.
        case openRoot
        /// The shared folder is not a directory.
        case rootNotDirectory
        /// Reading requests from the input descriptor failed.
        case read
        /// Writing replies to the output descriptor failed.
        case write
    }

    public var operation: Operation
    /// The shared folder, or a description of the descriptor (`fd 5`).
    public var subject: String
    public var errno: Errno?

    public init(_ operation: Operation, subject: String, errno: Errno? = nil) {
        self.operation = operation
        self.subject = subject
        self.errno = errno
    }

    public var description: String {
        let cause = errno.map { ": \($0)" } ?? ""
        switch operation {
        case .openRoot:
            return "Cannot open the shared folder \(subject)\(cause). Check that it exists and that this user may enter it."
        case .rootNotDirectory:
            return "The shared folder \(subject) is not a directory. Share a directory instead."
        case .read:
            return "Reading SFTP requests from \(subject) failed\(cause)."
        case .write:
            return "Writing SFTP replies to \(subject) failed\(cause)."
        }
    }
}
