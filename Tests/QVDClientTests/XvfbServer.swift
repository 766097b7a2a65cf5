import Foundation
import QVDCore

/// A throw-away Xvfb on a free display number, for the tests that read a real X display,
/// started and stopped through Core's `ChildProcess` (Foundation's `Process` can wait
/// forever when another part of the process reaps children). `-noreset`: Xvfb otherwise
/// resets, forgetting `setxkbmap`'s keyboard, each time its last client disconnects.
struct XvfbServer: Sendable {
    static let executable = "/usr/bin/Xvfb"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    let display: String
    let handle: ChildProcessHandle

    /// Starts Xvfb with `screen` (e.g. `1280x800x24`), runs `body`, and always stops it.
    static func with<T>(screen: String, _ body: (XvfbServer) async throws -> T) async throws -> T {
        let server = try await start(screen: screen)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    private static func start(screen: String) async throws -> XvfbServer {
        guard let number = (150..<250).first(where: { n in
            !FileManager.default.fileExists(atPath: "/tmp/.X\(n)-lock")
                && !FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\(n)")
        }) else { throw FakeL7RError(text: "no free X display number") }
        let display = ":\(number)"
        let handle = try await ChildProcess.start(ChildProcessConfiguration(
            executable: executable, arguments: [display, "-screen", "0", screen, "-nolisten", "tcp", "-noreset"]))
        let server = XvfbServer(display: display, handle: handle)
        let socket = "/tmp/.X11-unix/X\(number)"
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) && handle.isRunning {
            try await Task.sleep(for: .milliseconds(100))
        }
        guard FileManager.default.fileExists(atPath: socket), handle.isRunning else {
            await server.stop()
            throw FakeL7RError(text: "Xvfb \(display) did not start")
        }
        return server
    }

    /// Runs an X client (e.g. setxkbmap) against this display; its exit status.
    func run(_ executable: String, _ arguments: [String]) async throws -> ChildProcessStatus {
        try await ChildProcess.run(ChildProcessConfiguration(
            executable: executable, arguments: arguments,
            environment: .exactly(["DISPLAY": display, "PATH": "/usr/bin:/bin"])), timeout: .seconds(30)).status
    }

    func stop() async {
        _ = try? await handle.terminate(grace: .seconds(2))
    }
}
