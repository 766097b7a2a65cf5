import Foundation
import QVDCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real agent binary driving Debian's real nxagent, with a real `nxproxy -S` attaching
/// from a real Xvfb (issue 3, "Must show"). Needs root (the agent provisions a throw-away
/// user); skipped with a reason elsewhere.
@Suite(.serialized, .enabled(if: VMATestRig.canRun, "needs root, nxagent, nxproxy, Xvfb, xinit and a built qvd-vma"))
struct VMAEndToEndTests {
    /// Runs `body` with a fresh rig and always tears it down.
    func withRig(hookTimeout: Int = 10, sessionCommands: String = "", _ body: (VMATestRig) async throws -> Void) async throws {
        let rig = try VMATestRig(hookTimeout: hookTimeout, sessionCommands: sessionCommands)
        do {
            try await rig.startAgent()
            try await body(rig)
        } catch {
            Issue.record("rig console: \(rig.consoleLog)\nhooks: \(rig.hookLines())")
            await rig.tearDown()
            throw error
        }
        await rig.tearDown()
    }

    @Test func sessionLifeCycleWithRealNX() async throws {
        try await withRig { rig in
            #expect(try await rig.state() == "stopped")
            #expect(try await rig.rpc("x_start", rig.startQuery) == .success(.string("starting")))
            #expect(try await rig.waitForState("listening") == "listening")

            // Provisioning created the user; the session runs as that user.
            let passwd = try String(contentsOfFile: "/etc/passwd", encoding: .utf8)
            #expect(passwd.contains("\n\(rig.user):"))
            let home = "\(rig.root)/home/\(rig.user)"
            let preConnect = rig.hookLines(named: "vma.on_action.pre-connect")
            #expect(preConnect == ["vma.on_action.pre-connect [qvd.vm.user.name] [\(rig.user)] [qvd.client.keyboard] [pc105/us] [qvd.client.os] [linux] [qvd.client.link] [lan] [qvd.client.geometry] [1024x768] [qvd.client.fullscreen] [0] [custom.note] [café] [qvd.vm.user.groups] [] [qvd.vm.user.home] [\(home)] [qvd.vm.session.state] [stopped] [qvd.hook.on_action] [pre_connect]"])
            #expect(rig.hookLines(named: "vma.on_provisioning.mount_home").count == 1)
            #expect(rig.hookLines(named: "vma.on_provisioning.after_add_user").count == 1)
            let connect = rig.hookLines(named: "vma.on_action.connect")
            #expect(connect.count == 1)
            #expect(connect.first?.hasSuffix("[qvd.vm.session.state] [provisioning] [qvd.hook.on_action] [connect]") == true)
            // The slave key reached no hook's argv (it is in the environment only).
            #expect(!rig.hookLines().contains { $0.contains("SecretSlaveKey") })
            #expect(rig.readRunFile("nxagent.conf")?.contains("geometry=1024x768") == true)
            #expect(rig.readRunFile("nxagent.state")?.hasPrefix("starting:") == true)

            let proxy = try await rig.connectClient()
            #expect(try await rig.waitForState("connected") == "connected")
            #expect(rig.readRunFile("nxagent.state")?.hasPrefix("started:") == true)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await rig.waitForHookLines(named: "vma.on_state.connected", count: 1) == ["vma.on_state.connected [qvd.hook.on_state] [connected]"])

            #expect(try await rig.rpc("x_suspend") == .success(.string("starting")))
            #expect(try await rig.waitForState("suspended") == "suspended")
            _ = try? await proxy.terminate(grace: .seconds(1))
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await rig.waitForHookLines(named: "vma.on_state.suspended", count: 1) == ["vma.on_state.suspended [qvd.hook.on_state] [suspended]"])
            #expect(rig.hookLines(named: "vma.on_action.suspend") == ["vma.on_action.suspend [qvd.vm.session.state] [connected] [qvd.hook.on_action] [suspend]"])
            #expect(rig.hookLines(named: "vma.on_action.disconnect").count == 1)

            // Resume with a new geometry: the options file is rewritten before the HUP.
            let resume = rig.startQuery.replacingOccurrences(of: "1024x768", with: "1280x800")
            #expect(try await rig.rpc("x_start", resume) == .success(.string("starting")))
            #expect(rig.readRunFile("nxagent.conf")?.contains("geometry=1280x800") == true)
            #expect(try await rig.waitForState("listening") == "listening")
            _ = try await rig.connectClient()
            #expect(try await rig.waitForState("connected") == "connected")

            #expect(try await rig.rpc("x_stop") == .success(.string("stopping")))
            #expect(try await rig.waitForState("stopped") == "stopped")
            try await Task.sleep(for: .milliseconds(300))
            #expect(rig.hookLines(named: "vma.on_action.stop") == ["vma.on_action.stop [qvd.vm.session.state] [connected] [qvd.hook.on_action] [stop]"])
            #expect(try await rig.waitForHookLines(named: "vma.on_state.disconnected", count: 1) == ["vma.on_state.disconnected [qvd.hook.on_state] [stopped]"])
            #expect(try await rig.waitForHookLines(named: "vma.on_state.connected", count: 2).count == 2)
            #expect(rig.readRunFile("nxagent.state") == nil)
            #expect(rig.readRunFile("nxagent.pid") == nil)
        }
    }

    /// Pixels drawn in the VM's session arrive on the client's display: the session paints
    /// its root window a colour nobody else uses; the client's Xvfb shows it through nxproxy.
    @Test func pixelsDrawnInTheSessionReachTheClientDisplay() async throws {
        try await withRig(sessionCommands: "xsetroot -solid '#2e5f8a'") { rig in
            #expect(try await rig.rpc("x_start", rig.startQuery) == .success(.string("starting")))
            #expect(try await rig.waitForState("listening") == "listening")
            _ = try await rig.connectClient()
            #expect(try await rig.waitForState("connected") == "connected")
            let display = try #require(rig.clientDisplay)
            var colour = ""
            for _ in 0..<50 {
                // One pixel of the client's screen, inside the nxproxy window (1024x768 at 0,0).
                let result = try await ChildProcess.run(ChildProcessConfiguration(
                    executable: "/usr/bin/import",
                    arguments: ["-display", ":\(display)", "-window", "root", "-crop", "1x1+600+500", "txt:-"],
                    environment: .exactly(["PATH": ChildProcessEnvironment.defaultPath]),
                    standardOutput: .collect(limit: 4096)), timeout: .seconds(10))
                colour = result.standardOutput?.text ?? ""
                if colour.contains("srgb(46,95,138)") { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(colour.contains("srgb(46,95,138)"), "client screen pixel: \(colour)")
        }
    }

    @Test func killedNXAgentIsStoppedWithinTwoSeconds() async throws {
        try await withRig { rig in
            #expect(try await rig.rpc("x_start", rig.startQuery) == .success(.string("starting")))
            #expect(try await rig.waitForState("listening") == "listening")
            _ = try await rig.connectClient()
            #expect(try await rig.waitForState("connected") == "connected")
            let pid = try #require(rig.readRunFile("nxagent.pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
            let killedAt = ContinuousClock.now
            kill(pid, SIGKILL)
            #expect(try await rig.waitForState("stopped", timeout: .seconds(2)) == "stopped")
            #expect(ContinuousClock.now - killedAt < .seconds(2))
            try await Task.sleep(for: .seconds(1))
            #expect(try await rig.waitForHookLines(named: "vma.on_state.disconnected", count: 1).count == 1)
        }
    }

    /// `qvd-vma --stop-session` ends the running session on purpose; the running agent sees
    /// nxagent end and reports `stopped`.
    @Test func stopSessionCommandEndsTheSession() async throws {
        try await withRig { rig in
            #expect(try await rig.rpc("x_start", rig.startQuery) == .success(.string("starting")))
            #expect(try await rig.waitForState("listening") == "listening")
            let pid = try #require(rig.readRunFile("nxagent.pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
            let result = try await ChildProcess.run(ChildProcessConfiguration(
                executable: VMATestRig.agentBinary, arguments: ["--config", rig.configPath, "--stop-session"],
                environment: .exactly(["PATH": ChildProcessEnvironment.defaultPath]),
                standardError: .collect(limit: 65536)), timeout: .seconds(30))
            #expect(result.status == .exited(0), "\(result.standardError?.text ?? "")")
            #expect(!SessionStillRunning.isLiving(pid), "nxagent \(pid) survived --stop-session")
            #expect(try await rig.waitForState("stopped", timeout: .seconds(5)) == "stopped")
        }
    }

    @Test func hookThatNeverExitsIsKilledAtItsTimeout() async throws {
        try await withRig(hookTimeout: 1) { rig in
            FileManager.default.createFile(atPath: "\(rig.root)/rec/hang-vma.on_action.pre-connect", contents: nil)
            let started = ContinuousClock.now
            let reply = try await rig.rpc("x_start", rig.startQuery)
            #expect(ContinuousClock.now - started < .seconds(20))  // the hook would sleep 1000 s
            guard case .failure(let message) = reply else {
                Issue.record("x_start should fail, got \(reply)")
                return
            }
            #expect(message.contains("\(rig.root)/hooks/vma.on_action.pre-connect"))
            #expect(message.contains("timed out after 1 s"))
            #expect(try await rig.state() == "stopped")
        }
    }

    @Test func restartedAgentReadoptsTheConnectedSession() async throws {
        try await withRig { rig in
            #expect(try await rig.rpc("x_start", rig.startQuery) == .success(.string("starting")))
            #expect(try await rig.waitForState("listening") == "listening")
            let proxy = try await rig.connectClient()
            #expect(try await rig.waitForState("connected") == "connected")
            let pid = rig.readRunFile("nxagent.pid")

            _ = try await rig.agent?.terminate(grace: .seconds(5))
            #expect(SessionStillRunning.check(pidFile: pid))
            try await rig.startAgent()
            #expect(try await rig.state() == "connected")
            #expect(proxy.isRunning)
            #expect(rig.readRunFile("nxagent.pid") == pid)

            // The re-adopted session is still watched: a suspend is seen through the log.
            #expect(try await rig.rpc("x_suspend") == .success(.string("starting")))
            #expect(try await rig.waitForState("suspended") == "suspended")
        }
    }
}

enum SessionStillRunning {
    /// Alive and not a zombie (a dead nxagent stays a zombie until xinit reaps it).
    static func isLiving(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).prefix(1)
        return state != "Z" && state != "X"
    }

    static func check(pidFile: String?) -> Bool {
        guard let pid = pidFile.flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else { return false }
        return kill(pid, 0) == 0
    }
}
