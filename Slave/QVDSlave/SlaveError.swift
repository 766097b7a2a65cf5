/// Something in the slave channel failed: what, on what, and why, written for the person
/// who must fix it. Never carries the slave key.
public struct SlaveError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The domain of the failure, which `qvd-slaveclient` maps to exit codes.
    public enum Kind: Sendable, Hashable {
        /// The key file is missing, unreadable, empty or readable by others.
        case key
        /// A configuration key has a value that cannot be used.
        case configuration
        /// Reading or writing the stream failed, or the peer closed it early.
        case stream
        /// The peer's HTTP was malformed.
        case protocolViolation
        /// A file-system operation on a share failed.
        case fileSystem
        /// A child process (sshfs, the SFTP server, the opener) could not run.
        case process
        /// No QVD session runs on this machine (client side).
        case noSession
        /// The peer refused the request (carries its status).
        case refused(status: Int)
    }

    public var kind: Kind
    /// What was being done and on what, e.g. `read /run/qvd/slave.conf`.
    public var subject: String
    /// Why it failed.
    public var reason: String

    public init(_ kind: Kind, _ subject: String, _ reason: String) {
        self.kind = kind
        self.subject = subject
        self.reason = reason
    }

    /// `errno` as text.
    static func errnoText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }

    public var description: String {
        "\(subject): \(reason)"
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
