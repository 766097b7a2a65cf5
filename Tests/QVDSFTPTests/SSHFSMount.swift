import Foundation
import Testing

@testable import QVDSFTP

#if canImport(Glibc)
import Glibc
#endif

/// Whether the real sshfs can be used here: the binary, fusermount3 and /dev/fuse (CI runs
/// the tests as root on a machine with FUSE).
let sshfsAvailable: Bool = {
    FileManager.default.isExecutableFile(atPath: "/usr/bin/sshfs")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/fusermount3")
        && FileManager.default.fileExists(atPath: "/dev/fuse")
}()

/// The real `sshfs -o passive` (Debian 12: 3.7.3) mounted on `mountpoint`, speaking SFTP over
/// its stdin/stdout to a server on the other end of a socketpair: either this module's
/// `SFTPServer.serve` on a thread, or OpenSSH's `sftp-server` (for comparison).
/// `unmount()` always lazily unmounts and reaps sshfs, whatever state the test left.
final class SSHFSMount {
    enum Server {
        case inProcess(readOnly: Bool)
        case openSSH
    }

    let mountpoint: String
    private let sshfs: Process
    private var harness: ServerHarness?
    private var openSSH: Process?
    private var unmounted = false

    init(share: String, mountpoint: String, server: Server, options: [String] = [], logFile: String) throws {
        self.mountpoint = mountpoint
        try FileManager.default.createDirectory(atPath: mountpoint, withIntermediateDirectories: true)
        let sshfsEnd: Int32
        switch server {
        case .inProcess(let readOnly):
            let harness = try ServerHarness(root: share, readOnly: readOnly)
            self.harness = harness
            sshfsEnd = harness.clientDescriptor
        case .openSSH:
            var fds: [Int32] = [0, 0]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
                throw POSIXError(.EIO)
            }
            let server = Process()
            server.executableURL = URL(fileURLWithPath: "/usr/lib/openssh/sftp-server")
            server.currentDirectoryURL = URL(fileURLWithPath: share)
            let handle = FileHandle(fileDescriptor: fds[0], closeOnDealloc: false)
            server.standardInput = handle
            server.standardOutput = handle
            server.standardError = FileHandle.nullDevice
            try server.run()
            _ = close(fds[0])
            openSSH = server
            sshfsEnd = fds[1]
        }
        sshfs = Process()
        sshfs.executableURL = URL(fileURLWithPath: "/usr/bin/sshfs")
        sshfs.arguments = ["-f", "-o", "passive"] + options + ["qvd-client:", mountpoint]
        let handle = FileHandle(fileDescriptor: sshfsEnd, closeOnDealloc: false)
        sshfs.standardInput = handle
        sshfs.standardOutput = handle
        _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        sshfs.standardError = FileHandle(forWritingAtPath: logFile)
        do {
            try sshfs.run()
        } catch {
            harness?.finish()
            throw error
        }
        // Our copy of sshfs's end must go, or the server never sees EOF.
        if let harness { harness.releaseClientDescriptor() } else { _ = close(sshfsEnd) }

        let deadline = Date().addingTimeInterval(15)
        while !Self.isMounted(mountpoint) {
            if !sshfs.isRunning || Date() > deadline {
                let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
                unmount()
                throw POSIXError(.ETIMEDOUT, userInfo: [NSLocalizedDescriptionKey: "sshfs did not mount: \(log)"])
            }
            usleep(20_000)
        }
    }

    static func isMounted(_ mountpoint: String) -> Bool {
        guard let mounts = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return false }
        return mounts.split(separator: "\n").contains { $0.split(separator: " ").dropFirst().first.map(String.init) == mountpoint }
    }

    /// Unmounts, stops sshfs and the server. Safe to call twice. Returns what `serve` returned
    /// (nil for OpenSSH or if it did not return in time).
    @discardableResult
    func unmount() -> Result<Void, SFTPServerError>? {
        if unmounted { return nil }
        unmounted = true
        _ = try? run("/usr/bin/fusermount3", ["-u", "-z", mountpoint])
        for process in [sshfs, openSSH].compactMap({ $0 }) {
            let deadline = Date().addingTimeInterval(5)
            if process.isRunning && !Self.isMounted(mountpoint) {
                while process.isRunning && Date() < deadline { usleep(20_000) }
            }
            if process.isRunning { process.terminate() }
            let killAt = Date().addingTimeInterval(3)
            while process.isRunning && Date() < killAt { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        return harness?.finish()
    }

    deinit {
        unmount()
    }
}
