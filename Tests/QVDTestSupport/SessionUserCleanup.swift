import QVDCore
#if canImport(Glibc)
import Glibc
#endif

/// The end of a test that let the agent provision a throw-away session user: whatever that
/// user still runs (the X session, sshfs, in sessions of their own) is killed, the account
/// and its group are removed, and the killed nxagent's display files are deleted.
public enum SessionUserCleanup {
    public static func remove(user login: String, display: Int? = nil) async {
        _ = try? await ChildProcess.run(ChildProcessConfiguration(executable: "/usr/bin/pkill", arguments: ["-KILL", "-u", login]),
                                        timeout: .seconds(5))
        try? await Task.sleep(for: .milliseconds(300))
        _ = try? await ChildProcess.run(ChildProcessConfiguration(executable: "/usr/sbin/userdel", arguments: ["-rf", login],
                                                                  standardError: .discard), timeout: .seconds(10))
        _ = try? await ChildProcess.run(ChildProcessConfiguration(executable: "/usr/sbin/groupdel", arguments: [login],
                                                                  standardError: .discard), timeout: .seconds(10))
        if let display {
            // A killed nxagent leaves its display's lock file and socket behind.
            unlink("/tmp/.X\(display)-lock")
            unlink("/tmp/.X11-unix/X\(display)")
        }
    }
}
