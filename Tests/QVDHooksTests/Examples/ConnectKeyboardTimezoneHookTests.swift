#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QVDCore
import Testing
@testable import QVDHooks

/// `Hooks/examples/connect-keyboard-timezone` run by the hook runner as qvd-vma runs it,
/// with the session user `nobody`, a real Xvfb as the session display and the real
/// setxkbmap behind a recorder. The recorder is needed because Debian 12's Xvfb accepts
/// setxkbmap (exit 0) but keeps its keymap, so `setxkbmap -query` cannot show the effect
/// there; what the recorder checks is who ran setxkbmap, on which display, with which
/// arguments, and that the real setxkbmap accepted them.
@Suite(.serialized) struct ConnectKeyboardTimezoneHookTests {
    private func setUp() throws -> TemporaryDirectory {
        let temp = try ExampleHooks.sharedTemporaryDirectory()
        chmod(try temp.makeDirectory("bin"), 0o755)
        let record = try ExampleHooks.recordFile(temp, "setxkbmap.record")
        try temp.script("bin/setxkbmap", """
            /usr/bin/setxkbmap "$@"; status=$?
            [ "$1" = -query ] || echo "uid=$(id -u) display=$DISPLAY status=$status args=$*" >> '\(record)'
            exit $status
            """)
        let user = try ExampleHooks.sessionUser()
        let home = try temp.makeDirectory("home")
        chown(home, user.userID, user.groupID)
        try "LANG=de_DE.UTF-8\nTZ=UTC\n".write(toFile: temp.file("home/.qvd_environment"), atomically: false, encoding: .utf8)
        chown(temp.file("home/.qvd_environment"), user.userID, user.groupID)
        return temp
    }

    private func environment(_ temp: TemporaryDirectory, display: Int) -> [String: String] {
        ["PATH": temp.file("bin") + ":/usr/bin:/bin", "HOME": "/root", "VMA_DISPLAY": ":\(display)", "CONNECT_WAIT": "20"]
    }

    /// x_start's parameters as the agent passes them to the connect hook.
    private func connectCall(_ temp: TemporaryDirectory, keyboard: String, timezone: String, state: String) -> HookInvocation {
        .action(.connect, sessionState: state, parameters: [
            HookParameter("qvd.vm.user.name", "nobody"),
            HookParameter("qvd.client.keyboard", keyboard),
            HookParameter("qvd.client.os", "linux"),
            HookParameter("qvd.client.link", "adsl"),
            HookParameter("qvd.client.geometry", "1024x768"),
            HookParameter("qvd.client.timezone", timezone),
            HookParameter("qvd.slave.key", "K3yK3yK3yK3yK3yK3yK3yK3yK3yK3yK3yK3yK3yK3yK3yK3yK3yK3yK3yK3yK3y4"),
            HookParameter("qvd.vm.user.groups", "qvduser"),
            HookParameter("qvd.vm.user.home", temp.file("home")),
        ])
    }

    @Test func onAFreshStartWaitsForTheDisplayThenSetsTheKeyboardAndRecordsTheTimeZone() async throws {
        let temp = try setUp()
        defer { temp.remove() }
        let user = try ExampleHooks.sessionUser()
        let number = try ExampleHooks.freeDisplayNumber()
        let runner = try ExampleHooks.runner(temp, hooks: [.action(.connect): ExampleHooks.path("connect-keyboard-timezone")],
                                             environment: environment(temp, display: number))

        // Fresh start: the hook runs before nxagent, so the display is not there yet.
        let started = ContinuousClock.now
        let records = try await runner.run(connectCall(temp, keyboard: "pc105/de(nodeadkeys)", timezone: "Europe/Madrid", state: "starting"))
        #expect(records.map(\.succeeded) == [true])
        // It must not wait for the display (that takes its 30 s limit); generous for a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(temp.lines("home/.qvd_environment") == ["LANG=de_DE.UTF-8", "TZ=Europe/Madrid"])
        var status = stat()
        #expect(stat(temp.file("home/.qvd_environment"), &status) == 0)
        #expect(status.st_uid == user.userID)
        #expect(status.st_mode & 0o777 == 0o600)
        // The background job keeps waiting for the display meanwhile.
        try await Task.sleep(for: .seconds(2))
        #expect(temp.lines("setxkbmap.record") == [])

        let display = try await XvfbDisplay.start(number: number, as: user)
        defer { Task { await display.stop() } }
        let expected = "uid=\(user.userID) display=:\(number) status=0 args=-model pc105 -layout de -variant nodeadkeys"
        let applied = await ExampleHooks.eventually(timeout: .seconds(15)) { Self.settled(temp.lines("setxkbmap.record")) }
        #expect(applied)
        #expect(Self.appliedOnce(temp.lines("setxkbmap.record"), expected), "\(temp.lines("setxkbmap.record"))")
        let log = temp.read("qvd-hooks.log") ?? ""
        #expect(log.contains("connect-keyboard-timezone: time zone of nobody: Europe/Madrid"))
        #expect(log.contains("connect-keyboard-timezone: keyboard of nobody on :\(number): model pc105, layout de, variant nodeadkeys"))
        // The slave key stays out of argv and so out of the run line.
        #expect(!log.contains("K3yK3y"))
        await display.stop()
    }

    @Test func onAResumeSetsTheKeyboardOnTheRunningDisplay() async throws {
        let temp = try setUp()
        defer { temp.remove() }
        let user = try ExampleHooks.sessionUser()
        let display = try await XvfbDisplay.start(number: try ExampleHooks.freeDisplayNumber(), as: user)
        defer { Task { await display.stop() } }
        let runner = try ExampleHooks.runner(temp, hooks: [.action(.connect): ExampleHooks.path("connect-keyboard-timezone")],
                                             environment: environment(temp, display: display.number))

        let records = try await runner.run(connectCall(temp, keyboard: "pc104/us", timezone: "America/New_York", state: "suspended"))

        #expect(records.map(\.succeeded) == [true])
        let expected = "uid=\(user.userID) display=\(display.name) status=0 args=-model pc104 -layout us"
        let applied = await ExampleHooks.eventually(timeout: .seconds(15)) { Self.settled(temp.lines("setxkbmap.record")) }
        #expect(applied)
        #expect(Self.appliedOnce(temp.lines("setxkbmap.record"), expected), "\(temp.lines("setxkbmap.record"))")
        #expect(temp.lines("home/.qvd_environment") == ["LANG=de_DE.UTF-8", "TZ=America/New_York"])
        await display.stop()
    }

    /// The hook tries setxkbmap up to three times (xkbcomp can fail once on a busy machine):
    /// done when a run succeeded or all three failed.
    static func settled(_ records: [String]) -> Bool {
        records.last?.contains(" status=0 ") == true || records.count >= 3
    }

    /// The keymap was set: the last run succeeded with `expected`, and any run before it was
    /// the same call that failed.
    static func appliedOnce(_ records: [String], _ expected: String) -> Bool {
        let failed = expected.replacingOccurrences(of: " status=0 ", with: " status=1 ")
        return records.last == expected && records.dropLast().allSatisfy { $0 == failed } && records.count <= 3
    }

    @Test func ignoresValuesThatAreNotAKeyboardOrAZoneAndStillSucceeds() async throws {
        let temp = try setUp()
        defer { temp.remove() }
        let user = try ExampleHooks.sessionUser()
        let display = try await XvfbDisplay.start(number: try ExampleHooks.freeDisplayNumber(), as: user)
        defer { Task { await display.stop() } }
        let runner = try ExampleHooks.runner(temp, hooks: [.action(.connect): ExampleHooks.path("connect-keyboard-timezone")],
                                             environment: environment(temp, display: display.number))

        let records = try await runner.run(connectCall(temp, keyboard: "pc105/us -option;touch /tmp/x", timezone: "../../etc/shadow", state: "stopped"))

        #expect(records.map(\.succeeded) == [true])
        try await Task.sleep(for: .seconds(1))
        #expect(temp.lines("setxkbmap.record") == [])
        #expect(temp.lines("home/.qvd_environment") == ["LANG=de_DE.UTF-8", "TZ=UTC"])
        let log = temp.read("qvd-hooks.log") ?? ""
        #expect(log.contains("ignoring qvd.client.keyboard 'pc105/us -option;touch /tmp/x'"))
        #expect(log.contains("ignoring qvd.client.timezone '../../etc/shadow'"))
        await display.stop()
    }
}
