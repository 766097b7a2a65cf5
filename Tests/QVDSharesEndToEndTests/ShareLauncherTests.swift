import Foundation
import Logging
import QVDClient
import QVDCore
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `ShareLauncher` without a session: which folders `client.share.N` names, the `share`
/// command line, the bounded retry while the slave listener is not up yet, and `stop()`.
struct ShareLauncherTests {
    final class RecordingConsole: ClientConsole {
        let lines = Mutex<[String]>([])
        var isInteractive: Bool { false }
        func status(_ line: String) { lines.withLock { $0.append(line) } }
        func output(_ text: String) {}
        func ask(_ prompt: String) -> String? { nil }
    }

    static func config(_ text: String) throws -> (Configuration, String) {
        var template = Array("/tmp/qvd-share-launcher-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SharesTestError("mkdtemp failed") }
        let directory = String(cString: made)
        try text.write(toFile: directory + "/client.conf", atomically: false, encoding: .utf8)
        let config = try Configuration.load(schema: ClientConfigDefaults.table, systemFile: nil,
                                            userFile: directory + "/client.conf", environment: [:], commandLine: [])
        return (config, directory)
    }

    @Test func sharesAreTheNumberedKeysUpToTheFirstGap() throws {
        let (config, directory) = try Self.config("""
            client.share.0 = ~/Documentos
            client.share.0.readonly = 1
            client.share.1 = /srv/datos compartidos
            client.share.3 = /not/reached
            """)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let shares = try ShareLauncher.shares(from: config, home: "/home/ana", mediaExists: true)
        #expect(shares == [ShareLauncher.Share(folder: "/home/ana/Documentos", readOnly: true),
                           ShareLauncher.Share(folder: "/srv/datos compartidos", readOnly: false)])
    }

    @Test func withoutSharesTheHomeAndMediaAreShared() throws {
        let (config, directory) = try Self.config("client.slave.enable = 1\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try ShareLauncher.shares(from: config, home: "/home/ana", mediaExists: true)
            == [ShareLauncher.Share(folder: "/home/ana"), ShareLauncher.Share(folder: "/media")])
        #expect(try ShareLauncher.shares(from: config, home: "/home/ana", mediaExists: false) == [ShareLauncher.Share(folder: "/home/ana")])
    }

    @Test func shareCommandLine() {
        #expect(ShareLauncher.arguments(for: ShareLauncher.Share(folder: "/a b", readOnly: true)) == ["share", "/a b", "--read-only"])
        #expect(ShareLauncher.arguments(for: ShareLauncher.Share(folder: "/c")) == ["share", "/c"])
    }

    /// A stand-in `qvd-slaveclient` that cannot reach the channel twice (exit 4), then
    /// prints a ticket and serves until stopped: three runs, one status line, and `stop()`
    /// ends it.
    @Test(.timeLimit(.minutes(1))) func retriesWhileTheSlaveChannelIsNotUpThenStops() async throws {
        var template = Array("/tmp/qvd-share-launcher-XXXXXX".utf8CString)
        let directory = try #require(mkdtemp(&template).map { String(cString: $0) })
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let program = directory + "/fake-slaveclient"
        try """
            #!/bin/sh
            echo "$*" >> '\(directory)/runs'
            [ "$(wc -l < '\(directory)/runs')" -le 2 ] && exit 4
            echo Fotos
            exec sleep 60
            """.write(toFile: program, atomically: false, encoding: .utf8)
        chmod(program, 0o755)
        let console = RecordingConsole()
        let launcher = ShareLauncher(shares: [ShareLauncher.Share(folder: "/home/ana/Fotos", readOnly: true)], program: program,
                                     environment: ["PATH": "/usr/bin:/bin"], attempts: 5, retryDelay: .milliseconds(50),
                                     console: console, logger: Logger(label: "test"))
        let running = launcher.start()
        let shared = await SharesSessionRig.waitUntil(timeout: .seconds(20)) { !console.lines.withLock { $0.isEmpty } }
        #expect(shared)
        #expect(console.lines.withLock { $0 } == ["sharing /home/ana/Fotos as ~/Redirected/Fotos (read-only)"])
        #expect(try String(contentsOfFile: directory + "/runs", encoding: .utf8)
            == String(repeating: "share /home/ana/Fotos --read-only\n", count: 3))
        let started = ContinuousClock.now
        await running.stop()
        #expect(ContinuousClock.now - started < .seconds(5))
        let stillRunning = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/usr/bin/pgrep", arguments: ["-f", directory + "/fake-slaveclient"],
            standardOutput: .collect(limit: 4096), standardError: .discard), timeout: .seconds(5))
        #expect(stillRunning.standardOutput?.text == "")
    }

    /// A failure other than an unreachable channel is reported once, not retried.
    @Test(.timeLimit(.minutes(1))) func otherFailuresAreNotRetried() async throws {
        var template = Array("/tmp/qvd-share-launcher-XXXXXX".utf8CString)
        let directory = try #require(mkdtemp(&template).map { String(cString: $0) })
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let program = directory + "/fake-slaveclient"
        try "#!/bin/sh\necho x >> '\(directory)/runs'\nexit 5\n".write(toFile: program, atomically: false, encoding: .utf8)
        chmod(program, 0o755)
        let console = RecordingConsole()
        let running = ShareLauncher(shares: [ShareLauncher.Share(folder: "/x")], program: program, environment: [:], attempts: 5,
                                    retryDelay: .milliseconds(50), console: console, logger: Logger(label: "test")).start()
        #expect(await SharesSessionRig.waitUntil(timeout: .seconds(20)) { !console.lines.withLock { $0.isEmpty } })
        await running.stop()
        #expect(console.lines.withLock { $0 } == ["could not share /x: qvd-slaveclient exited with code 5"])
        #expect(try String(contentsOfFile: directory + "/runs", encoding: .utf8) == "x\n")
    }
}
