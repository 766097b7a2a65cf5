import Foundation
import QVDCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The example hooks of Hooks/examples/, installed as an admin would (`vma.on_action.*` keys
/// of the real qvd-vma with a real nxagent session), do what their header says. Their
/// details (every branch, fake `mount` for the NFS one) are in QVDHooksTests/Examples.
@Suite(.serialized)
struct ExampleHooksUnderAgentTests {
    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/Hooks/examples"

    static var canRun: Bool {
        VMATestRig.canRun && ["/usr/bin/xmessage", "/usr/bin/xwininfo"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test(.enabled(if: canRun, "needs root, the NX programs, xmessage and xwininfo"), .timeLimit(.minutes(3)))
    func connectAndExpireExamplesWorkUnderTheAgent() async throws {
        let rig = try VMATestRig(hookOverrides: [
            "vma.on_action.connect": Self.examples + "/connect-keyboard-timezone",
            "vma.on_action.expire": Self.examples + "/expire-notify",
        ])
        do {
            let answers = rig.root + "/log/expire-answers.log"
            try await rig.startAgent(environment: [
                "VMA_DISPLAY": ":\(rig.display)", "VMA_RUN_DIR": rig.runDirectory, "CONNECT_WAIT": "20",
                "EXPIRE_ANSWERS_LOG": answers, "EXPIRE_WAIT": "30",
            ])
            // Connect: the client's time zone lands in the user's ~/.qvd_environment before
            // the session starts.
            let query = rig.startQuery + "&qvd.client.timezone=Europe%2FMadrid"
            #expect(try await rig.rpc("x_start", query) == .success(.string("starting")))
            #expect(try await rig.waitForState("listening") == "listening")
            let environmentFile = "\(rig.root)/home/\(rig.user)/.qvd_environment"
            let written = (try? String(contentsOfFile: environmentFile, encoding: .utf8)) ?? ""
            #expect(written.split(separator: "\n").contains("TZ=Europe/Madrid"), "~/.qvd_environment: \(written)")
            let hooksLog = (try? String(contentsOfFile: "\(rig.root)/log/qvd-hooks.log", encoding: .utf8)) ?? ""
            #expect(hooksLog.contains("connect-keyboard-timezone"), "\(hooksLog)")

            // Expire: the RPC answers at once and the user, working in the session, sees
            // the question there.
            _ = try await rig.connectClient()
            #expect(try await rig.waitForState("connected") == "connected")
            let expire = "vm.expiration.soft=2026-11-27%2009%3A00&vm.expiration.hard=2026-11-28%2009%3A00"
            let reply = try await rig.rpc("expire", expire)
            if case .failure(let message) = reply { Issue.record("expire failed: \(message)") }
            var tree = ""
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                let result = try await ChildProcess.run(ChildProcessConfiguration(
                    executable: "/usr/bin/xwininfo", arguments: ["-root", "-tree", "-display", ":\(rig.display)"],
                    environment: .minimal, standardOutput: .collect(limit: 1 << 20), standardError: .collect(limit: 1 << 12)), timeout: .seconds(10))
                tree = (result.standardOutput?.text ?? "") + (result.standardError?.text ?? "")
                if tree.contains("xmessage") { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            let hooks = (try? String(contentsOfFile: "\(rig.root)/log/qvd-hooks.log", encoding: .utf8)) ?? ""
            let asked = (try? String(contentsOfFile: answers, encoding: .utf8)) ?? ""
            #expect(tree.contains("xmessage"), "no xmessage window on the session's display: \(tree.suffix(1500))\nhooks log: \(hooks.suffix(1500))\nanswers: \(asked)")
        } catch {
            await rig.tearDown()
            throw error
        }
        await rig.tearDown()
    }

    /// No NFS server here: a recorder stands in for `mount` (first on the agent's PATH, so
    /// the hook finds it as it would find the real one) and says what would be mounted.
    @Test(.enabled(if: VMATestRig.canRun, "needs root and the NX programs"), .timeLimit(.minutes(3)))
    func nfsHomeExampleMountsTheHomeBeforeTheUserIsCreated() async throws {
        let rig = try VMATestRig(hookOverrides: ["vma.on_provisioning.mount_home": Self.examples + "/mount-home-nfs"])
        do {
            try FileManager.default.createDirectory(atPath: rig.root + "/fakebin", withIntermediateDirectories: true)
            try rig.writeExecutable(rig.root + "/fakebin/mount", """
                #!/bin/sh
                # Stands in for mount(8): there is no NFS server in the test. Like the user's
                # export would, the "mounted" home lets the user (not yet created) write.
                for a in "$@"; do echo "$a"; done > \(rig.root)/rec/mount.argv
                for a in "$@"; do last=$a; done
                chmod 1777 "$last"
                """)
            try await rig.startAgent(environment: [
                "PATH": rig.root + "/fakebin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
                "NFS_HOME_SERVER": "files.example.com", "NFS_HOME_CONFIG": rig.root + "/no-such.conf",
            ])
            #expect(try await rig.rpc("x_start", rig.startQuery) == .success(.string("starting")))
            let state = try await rig.waitForState("listening")
            #expect(state == "listening", "agent: \(rig.consoleLog.split(separator: "\n").filter { !$0.contains("x_state") }.suffix(30).joined(separator: "\n"))")
            let home = "\(rig.root)/home/\(rig.user)"
            let argv = ((try? String(contentsOfFile: rig.root + "/rec/mount.argv", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            #expect(argv == ["-t", "nfs", "-o", "rw,hard,nosuid,nodev", "files.example.com:/export/\(rig.user)", home])
            // The user was created after the hook, with that directory as home.
            let entry = try #require(getpwnam(rig.user), "the agent created the user")
            #expect(String(cString: entry.pointee.pw_dir) == home)
        } catch {
            await rig.tearDown()
            throw error
        }
        await rig.tearDown()
    }
}
