public import SystemPackage

/// Why a child process could not be started, signalled or watched.
///
/// Every error names the executable it concerns and, where the system gave one, the
/// `errno`, so a log line such as
/// `cannot run '/usr/bin/nxagent': no such file (searched /usr/bin, /bin)` tells the
/// administrator what to install or fix.
public struct ChildProcessError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// No file at the given path, or no executable of that name in any `PATH` directory
        /// (the directories searched are listed; empty for an explicit path).
        case executableNotFound(searched: [String])
        /// The file exists but may not be executed (no execute bit, `noexec` mount, or not
        /// executable by the user the child runs as).
        case permissionDenied
        /// The path names something other than a regular file (a directory, a device).
        case notARegularFile
        /// The file exists but the kernel refused to execute it (for a script: its `#!`
        /// interpreter is missing or not executable).
        case cannotExecute
        /// The working directory does not exist, is not a directory or is not searchable.
        case badWorkingDirectory(String)
        /// Switching to the requested user, group or supplementary groups failed.
        case credentialsRejected(userID: UInt32, groupID: UInt32)
        /// An argument, environment entry or path contains a NUL byte, or an environment
        /// key is empty or contains `=`.
        case invalidArgument(String)
        /// `posix_spawn`/`fork` itself failed (out of processes or memory).
        case spawnFailed
        /// The child was started but watching it for exit failed.
        case monitoringFailed
        /// Sending a signal failed for a reason other than the child being gone.
        case signalFailed(ProcessSignal)
        /// A process-group operation was requested for a child that shares our group.
        case noProcessGroup
        /// The calling task was cancelled while waiting.
        case cancelled
    }

    /// The executable as the caller named it (a path or a bare name).
    public let executable: String
    public let kind: Kind
    /// The system error behind this one, when there is one.
    public let errno: Errno?

    public init(executable: String, kind: Kind, errno: Errno? = nil) {
        self.executable = executable
        self.kind = kind
        self.errno = errno
    }

    public var description: String {
        let subject = "'\(executable)'"
        let reason: String
        switch kind {
        case .executableNotFound(let searched):
            reason = searched.isEmpty
                ? "cannot run \(subject): no such file"
                : "cannot run \(subject): not found in PATH (searched \(searched.joined(separator: ", ")))"
        case .permissionDenied:
            reason = "cannot run \(subject): permission denied (check its execute bits, its mount options and the user it runs as)"
        case .notARegularFile:
            reason = "cannot run \(subject): not a regular file"
        case .cannotExecute:
            reason = "cannot run \(subject): the kernel refused to execute it (for a script, check its #! interpreter)"
        case .badWorkingDirectory(let directory):
            reason = "cannot run \(subject): working directory '\(directory)' is missing, not a directory or not searchable"
        case .credentialsRejected(let userID, let groupID):
            reason = "cannot run \(subject) as uid \(userID) gid \(groupID): switching user or groups failed (the parent must run as root)"
        case .invalidArgument(let what):
            reason = "cannot run \(subject): invalid \(what)"
        case .spawnFailed:
            reason = "cannot start \(subject): process creation failed"
        case .monitoringFailed:
            reason = "lost track of \(subject): waiting for its exit failed"
        case .signalFailed(let signal):
            reason = "cannot send \(signal.name) to \(subject)"
        case .noProcessGroup:
            reason = "\(subject) was started in our own process group, so it cannot be signalled as a group"
        case .cancelled:
            reason = "stopped waiting for \(subject): the task was cancelled"
        }
        if let errno {
            return "\(reason) (\(errno))"
        }
        return reason
    }
}
