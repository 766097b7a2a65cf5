#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// The few raw system calls around a running child that swift-subprocess does not offer
/// outside its scoped `run` body: signalling through a pidfd we own, signalling a process
/// group, and telling whether a group still has living members.
enum ProcessControl {
    /// `pidfd_send_signal(2)`, looked up at run time: glibc (2.36+) exports it, but the
    /// Swift Glibc module does not import `<sys/pidfd.h>`, and `syscall(2)` is variadic.
    private typealias PidfdSendSignal = @convention(c) (Int32, Int32, UnsafeMutableRawPointer?, UInt32) -> Int32

    private static let pidfdSendSignal: PidfdSendSignal? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "pidfd_send_signal") else {
            return nil
        }
        return unsafeBitCast(symbol, to: PidfdSendSignal.self)
    }()

    private typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32

    private static let pidfdOpenFunction: PidfdOpen? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "pidfd_open") else {
            return nil
        }
        return unsafeBitCast(symbol, to: PidfdOpen.self)
    }()

    /// `pidfd_open(pid, 0)` with close-on-exec (pidfds always are), or -1 with `errno` set
    /// (`ESRCH`: no such process; `ENOSYS`: kernel or libc without pidfds).
    static func openPidfd(_ pid: pid_t) -> Int32 {
        guard let open = pidfdOpenFunction else {
            errno = ENOSYS
            return -1
        }
        return open(pid, 0)
    }

    /// Whether the process behind `pidfd` has exited (a pidfd polls readable from the
    /// moment its process is a zombie).
    static func pidfdSignalsExit(_ pidfd: Int32) -> Bool {
        var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0 && entry.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0
    }

    /// Whether our child `pid` has exited, without reaping it (swift-subprocess reaps).
    static func hasExited(pid: pid_t, pidfd: Int32) -> Bool {
        if pidfd >= 0 {
            return pidfdSignalsExit(pidfd)
        }
        var info = siginfo_t()
        guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else {
            return true  // ECHILD: already reaped.
        }
        return info._sifields._sigchld.si_pid == pid
    }

    /// A close-on-exec duplicate of `descriptor`, or -1 when `descriptor` is -1 or cannot
    /// be duplicated. We keep our own copy of the child's pidfd because swift-subprocess
    /// closes its copy once its `run` returns, and a closed descriptor number may be
    /// reused by anything.
    static func duplicateCloseOnExec(_ descriptor: Int32) -> Int32 {
        guard descriptor >= 0 else { return -1 }
        return fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
    }

    /// Sends `signal` to the child itself: through its pidfd when we have one (a pidfd
    /// never refers to a recycled pid), else by pid. Returns 0 or the errno.
    static func send(_ signal: ProcessSignal, pidfd: Int32, pid: pid_t) -> Int32 {
        if pidfd >= 0, let send = pidfdSendSignal {
            if send(pidfd, signal.rawValue, nil, 0) == 0 { return 0 }
            let error = errno
            if error != ENOSYS { return error }
        }
        return kill(pid, signal.rawValue) == 0 ? 0 : errno
    }

    /// Sends `signal` to every member of process group `group`. Returns 0 or the errno
    /// (`ESRCH` when the group has no members left).
    static func sendToGroup(_ signal: ProcessSignal, group: pid_t) -> Int32 {
        guard group > 1 else { return EINVAL }
        return kill(-group, signal.rawValue) == 0 ? 0 : errno
    }

    /// Whether any process in `group` is still alive. Zombies do not count: an orphaned
    /// grandchild stays a zombie until its new parent reaps it, and where that parent is
    /// slow (containers whose init does not reap) `kill(-group, 0)` would report the
    /// group alive long after everything in it has died.
    static func groupHasLivingMembers(_ group: pid_t) -> Bool {
        guard group > 1 else { return false }
        if kill(-group, 0) != 0, errno == ESRCH {
            return false
        }
        return !livingMembers(ofProcessGroup: group).isEmpty
    }

    /// The pids of non-zombie processes in process group `group`, read from `/proc`.
    static func livingMembers(ofProcessGroup group: pid_t) -> [pid_t] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var members: [pid_t] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = pid_t(name), let info = statusLine(pid: pid) else { continue }
            if info.processGroup == group, info.state != "Z", info.state != "X" {
                members.append(pid)
            }
        }
        return members
    }

    /// State letter and process group of `pid` from `/proc/<pid>/stat`, or `nil` when the
    /// process is gone.
    static func statusLine(pid: pid_t) -> (state: Character, processGroup: pid_t)? {
        guard let descriptor = try? FileDescriptor.open("/proc/\(pid)/stat", .readOnly, options: [.closeOnExec]) else {
            return nil
        }
        defer { try? descriptor.close() }
        var buffer = [UInt8](repeating: 0, count: 1024)
        guard let count = try? buffer.withUnsafeMutableBytes({ try descriptor.read(into: $0) }), count > 0 else {
            return nil
        }
        // "pid (comm) S ppid pgrp ...": comm may hold spaces and parentheses, so parse
        // from the last ')'.
        let bytes = buffer.prefix(count)
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count >= 3,
              let stateByte = fields[0].first,
              let group = pid_t(String(decoding: fields[2], as: UTF8.self))
        else { return nil }
        return (Character(UnicodeScalar(stateByte)), group)
    }

    /// Whether `pid` is a living (non-zombie) process.
    static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let info = statusLine(pid: pid) else { return false }
        return info.state != "Z" && info.state != "X"
    }
}
