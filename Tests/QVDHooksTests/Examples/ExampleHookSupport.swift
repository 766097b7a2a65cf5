#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import QVDCore
import Synchronization
@testable import QVDHooks

/// Helpers for the tests of the example hooks in `Hooks/examples/`: they run each script
/// through the real ``HookRunner`` as qvd-vma does (root with group `nogroup`, cwd `/`,
/// stdin `/dev/null`, output to the hooks log), against a real Xvfb display owned by the
/// session user `nobody`, with recorders standing in only for what needs a desktop
/// (notify-send needs a D-Bus session and a notification daemon) or a server (mount).
enum ExampleHooks {
    /// `Hooks/examples/` of this checkout, found from this file's real path (the test
    /// folder may be reached through a symbolic link).
    static var directory: String {
        let here = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        return here.deletingLastPathComponent()   // Examples
            .deletingLastPathComponent()          // QVDHooksTests
            .deletingLastPathComponent()          // Tests
            .deletingLastPathComponent()          // repository
            .appendingPathComponent("Hooks/examples").path
    }

    static func path(_ name: String) -> String { directory + "/" + name }

    /// The session user of these tests: `nobody`, who exists on every Debian system.
    static func sessionUser() throws -> UserAccount {
        do {
            return try UserAccount.lookup(name: "nobody")
        } catch {
            throw TestSetupError("no user nobody: \(error)")
        }
    }

    /// A runner configured as qvd-vma configures it, with the hooks log in `temp`.
    static func runner(_ temp: TemporaryDirectory, hooks: [HookEvent: String], environment: [String: String],
                       timeout: Duration = .seconds(20)) throws -> HookRunner {
        let credentials = try HookIdentity.credentials(user: "root", group: "nogroup")
        return HookRunner(
            configuration: HookConfiguration(
                hooks: hooks,
                directory: nil,
                timeout: timeout,
                terminationGrace: .milliseconds(500),
                credentials: credentials,
                hooksLogPath: temp.file("qvd-hooks.log"),
                baseEnvironment: environment
            ),
            logger: memoryLogger().0
        )
    }

    /// A scratch directory the session user can traverse (mkdtemp makes it 0700).
    static func sharedTemporaryDirectory() throws -> TemporaryDirectory {
        let temp = try TemporaryDirectory()
        chmod(temp.path, 0o755)
        return temp
    }

    /// Creates `name` in `temp`, empty and writable by everyone, for recorders that run
    /// as the session user.
    @discardableResult
    static func recordFile(_ temp: TemporaryDirectory, _ name: String) throws -> String {
        let path = temp.file(name)
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw TestSetupError("cannot create \(path)")
        }
        chmod(path, 0o666)
        return path
    }

    /// Polls `condition` every 100 ms until it holds or `timeout` passes.
    static func eventually(timeout: Duration = .seconds(15), _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return await condition()
    }

    /// Display numbers already handed out in this run: suites run in parallel, and a test
    /// may take a number some time before its Xvfb claims it.
    private static let handedOut = Mutex<Set<Int>>([])

    /// A display number with neither a socket nor a lock file, not handed out before in
    /// this run, from a range other tests here do not use.
    static func freeDisplayNumber() throws -> Int {
        for number in 340..<440 {
            guard handedOut.withLock({ $0.insert(number).inserted }) else { continue }
            let socket = "/tmp/.X11-unix/X\(number)"
            let lock = "/tmp/.X\(number)-lock"
            if !FileManager.default.fileExists(atPath: socket), !FileManager.default.fileExists(atPath: lock),
               !abstractSocketExists(number) {
                return number
            }
        }
        throw TestSetupError("no free X display number in 340..<440")
    }

    /// Xvfb listens on an abstract socket too; /proc/net/unix lists it as `@/tmp/.X11-unix/XN`.
    private static func abstractSocketExists(_ number: Int) -> Bool {
        guard let table = try? String(contentsOfFile: "/proc/net/unix", encoding: .utf8) else { return false }
        return table.contains("@/tmp/.X11-unix/X\(number)\n")
    }

    /// Sends `signal` to `pid` if it is a live process (cleanup of background stages).
    static func kill(_ pid: pid_t, _ signal: Int32 = SIGTERM) {
        if pid > 1, isAlive(pid) { _ = Glibc.kill(pid, signal) }
    }

    /// The hooks log without the hooks' own output: the runner's one line per run.
    static func runLines(_ temp: TemporaryDirectory) -> [String] {
        QVDHooksTests.runLines(inHooksLog: temp.read("qvd-hooks.log") ?? "").map(maskingDuration)
    }

    /// Runs a program to completion; its exit status (nil if it could not start) and
    /// standard output.
    static func run(_ executable: String, _ arguments: [String]) async -> (status: Int32?, output: String) {
        let configuration = ChildProcessConfiguration(
            executable: executable, arguments: arguments, environment: .minimal,
            standardOutput: .collect(limit: 1 << 20))
        guard let result = try? await ChildProcess.run(configuration, timeout: .seconds(10)) else { return (nil, "") }
        let status: Int32? = if case .exited(let code) = result.status { code } else { nil }
        return (status, result.standardOutput?.text ?? "")
    }
}

/// A real Xvfb server owned by the session user, as nxagent is in a session.
struct XvfbDisplay {
    let number: Int
    let handle: ChildProcessHandle

    var name: String { ":\(number)" }
    var pid: pid_t { handle.pid }

    /// Starts `Xvfb :number` as `user` and waits until it accepts connections.
    static func start(number: Int, as user: UserAccount) async throws -> XvfbDisplay {
        let handle: ChildProcessHandle
        do {
            handle = try await ChildProcess.start(ChildProcessConfiguration(
                executable: "/usr/bin/Xvfb",
                arguments: [":\(number)", "-nolisten", "tcp", "-screen", "0", "800x600x24"],
                environment: .minimal,
                credentials: ChildProcessCredentials(userID: user.userID, groupID: user.groupID,
                                                     supplementaryGroups: [user.groupID]),
                terminationGrace: .milliseconds(500)))
        } catch {
            throw TestSetupError("cannot start Xvfb :\(number): \(error)")
        }
        let display = XvfbDisplay(number: number, handle: handle)
        let ready = await ExampleHooks.eventually(timeout: .seconds(15)) {
            await display.acceptsConnections()
        }
        guard ready else {
            await display.stop()
            throw TestSetupError("Xvfb :\(number) did not come up")
        }
        return display
    }

    /// Whether a client can connect now.
    func acceptsConnections() async -> Bool {
        await ExampleHooks.run("/usr/bin/xdpyinfo", ["-display", name]).status == 0
    }

    func stop() async {
        _ = try? await handle.terminate(grace: .milliseconds(500))
    }
}
