#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QVDCore
import Testing
@testable import QVDHooks

/// `Hooks/examples/expire-notify` run by the hook runner as qvd-vma runs it, against a real
/// Xvfb owned by the session user standing in for nxagent (its pid in `nxagent.pid`).
/// notify-send is a recorder (the real one needs the session's D-Bus and a notification
/// daemon); xmessage is the real program, drawing on the Xvfb.
@Suite(.serialized) struct ExpireNotifyHookTests {
    private let soft = "2026-11-27T09:00:00"
    private let hard = "2026-11-28 09:00:00"
    private let question = "This virtual desktop has been updated and must be restarted by 2026-11-28 09:00:00. Save your work. Restart now, or later?"

    /// The scratch layout: `bin/` (first on PATH, with a notify-send made by `notifySend`
    /// from the record file's path), `run/` (path.run), the answers log, the hooks log.
    private func setUp(notifySend: ((String) -> String)?) throws -> TemporaryDirectory {
        let temp = try ExampleHooks.sharedTemporaryDirectory()
        _ = try temp.makeDirectory("run")
        chmod(try temp.makeDirectory("bin"), 0o755)
        let record = try ExampleHooks.recordFile(temp, "notify-send.record")
        if let notifySend {
            try temp.script("bin/notify-send", notifySend(record))
        }
        return temp
    }

    private func environment(_ temp: TemporaryDirectory, wait: Int = 20) -> [String: String] {
        [
            "PATH": temp.file("bin") + ":/usr/bin:/bin",
            "HOME": "/root",
            "VMA_RUN_DIR": temp.file("run"),
            "EXPIRE_ANSWERS_LOG": temp.file("expire-answers.log"),
            "EXPIRE_WAIT": "\(wait)",
        ]
    }

    private func expireCall() -> HookInvocation {
        .action(.expire, sessionState: "connected", parameters: [
            HookParameter("vm.expiration.soft", soft),
            HookParameter("vm.expiration.hard", hard),
        ])
    }

    /// The answers, without their leading time stamp.
    private func answers(_ temp: TemporaryDirectory) -> [String] {
        temp.lines("expire-answers.log").map { line in
            guard let space = line.firstIndex(of: " ") else { return line }
            return String(line[line.index(after: space)...])
        }
    }

    /// Ends the background question if a failed expectation left it running.
    private func stopBackgroundStage(_ temp: TemporaryDirectory) {
        if let text = temp.read("run/expire-notify.lock/pid"),
           let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            ExampleHooks.kill(pid)
        }
    }

    private func writeSessionPID(_ temp: TemporaryDirectory, _ pid: pid_t) throws {
        try "\(pid)\n".write(toFile: temp.file("run/nxagent.pid"), atomically: true, encoding: .utf8)
    }

    @Test func asksTheSessionUserOnTheSessionDisplayWithNotifySendAndRecordsTheAnswer() async throws {
        let temp = try setUp { record in """
            {
              echo "uid=$(id -u)"
              echo "display=$DISPLAY"
              xdpyinfo >/dev/null 2>&1; echo "xdpyinfo=$?"
              for a in "$@"; do echo "arg=$a"; done
            } > '\(record)'
            echo restart-now
            """ }
        defer { stopBackgroundStage(temp); temp.remove() }
        let user = try ExampleHooks.sessionUser()
        let display = try await XvfbDisplay.start(number: try ExampleHooks.freeDisplayNumber(), as: user)
        defer { Task { await display.stop() } }
        try writeSessionPID(temp, display.pid)
        let runner = try ExampleHooks.runner(temp, hooks: [.action(.expire): ExampleHooks.path("expire-notify")],
                                             environment: environment(temp))

        let records = try await runner.run(expireCall())

        #expect(records.map(\.succeeded) == [true])
        let answered = await ExampleHooks.eventually { !temp.lines("expire-answers.log").isEmpty }
        #expect(answered)
        #expect(answers(temp) == [
            "user=nobody display=\(display.name) soft=\"\(soft)\" hard=\"\(hard)\" via=notify-send answer=restart-now",
        ])
        #expect(temp.lines("notify-send.record") == [
            "uid=\(user.userID)",
            "display=\(display.name)",
            "xdpyinfo=0",
            "arg=--app-name=QVD",
            "arg=--urgency=critical",
            "arg=--action=restart-now=Restart now",
            "arg=--action=later=Later",
            "arg=Your desktop needs a restart",
            "arg=\(question)",
        ])
        var status = stat()
        #expect(stat(temp.file("expire-answers.log"), &status) == 0)
        #expect(status.st_mode & 0o777 == 0o640)
        #expect(await ExampleHooks.eventually { !FileManager.default.fileExists(atPath: temp.file("run/expire-notify.lock")) })
        let path = ExampleHooks.path("expire-notify")
        #expect(ExampleHooks.runLines(temp) == [
            "INFO hook: vma.on_action.expire \(path) [vm.expiration.soft \(soft) vm.expiration.hard '\(hard)' "
                + "qvd.vm.session.state connected qvd.hook.on_action expire] exited with code 0 in <d> s",
        ])
        #expect((temp.read("qvd-hooks.log") ?? "").contains("expire-notify: asking nobody on \(display.name)"))
        await display.stop()
    }

    @Test func fallsBackToARealXmessageAndAsksOnlyOnceAtATime() async throws {
        // notify-send as it fails without a session bus.
        let temp = try setUp { _ in "echo 'Cannot autolaunch D-Bus without X11 $DISPLAY' >&2\nexit 1" }
        defer { stopBackgroundStage(temp); temp.remove() }
        let user = try ExampleHooks.sessionUser()
        let display = try await XvfbDisplay.start(number: try ExampleHooks.freeDisplayNumber(), as: user)
        defer { Task { await display.stop() } }
        try writeSessionPID(temp, display.pid)
        let runner = try ExampleHooks.runner(temp, hooks: [.action(.expire): ExampleHooks.path("expire-notify")],
                                             environment: environment(temp, wait: 4))

        let first = try await runner.run(expireCall())
        #expect(first.map(\.succeeded) == [true])
        // The question is a real xmessage window on the session's display.
        let shown = await ExampleHooks.eventually {
            await ExampleHooks.run("/usr/bin/xwininfo", ["-display", display.name, "-root", "-tree"]).output
                .contains("\"Your desktop needs a restart\": (\"xmessage\" \"Xmessage\")")
        }
        #expect(shown)
        // The server repeats the RPC while the question is open: nothing more is asked.
        let second = try await runner.run(expireCall())
        #expect(second.map(\.succeeded) == [true])
        let timedOut = await ExampleHooks.eventually(timeout: .seconds(15)) { temp.lines("expire-answers.log").count == 2 }
        #expect(timedOut)
        #expect(answers(temp) == [
            "user=nobody display=\(display.name) soft=\"\(soft)\" hard=\"\(hard)\" via=none answer=already-asking",
            "user=nobody display=\(display.name) soft=\"\(soft)\" hard=\"\(hard)\" via=xmessage answer=timeout",
        ])
        let log = temp.read("qvd-hooks.log") ?? ""
        #expect(log.contains("expire-notify: notify-send failed (status 1); trying xmessage"))
        #expect(await ExampleHooks.eventually {
            await !ExampleHooks.run("/usr/bin/xwininfo", ["-display", display.name, "-root", "-tree"]).output.contains("xmessage")
        })
        await display.stop()
    }

    @Test func recordsThatThereIsNoSessionToAsk() async throws {
        let temp = try setUp { record in "echo called > '\(record)'" }
        defer { temp.remove() }
        let runner = try ExampleHooks.runner(temp, hooks: [.action(.expire): ExampleHooks.path("expire-notify")],
                                             environment: environment(temp))

        let records = try await runner.run(.action(.expire, sessionState: "stopped"))

        #expect(records.map(\.succeeded) == [true])
        #expect(answers(temp) == ["user=- display=- soft=\"\" hard=\"\" via=none answer=no-session"])
        #expect(temp.lines("notify-send.record") == [])
    }
}
