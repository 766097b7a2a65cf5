#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QVDCore
import QVDSlave
import SystemPackage
import Testing
import QVDTestSupport

/// Through the **real NX slave channel** (Debian's nx-libs): Xvfb as the client's display,
/// nxagent with `slave=1` (its `NX_SLAVE_CMD` is our `qvd-vma-slaveserver`), nxproxy with
/// `slave=<port>` (its `NX_SLAVE_CMD` is our `qvd-client-slaveserver`). No VMA: nxagent is
/// started directly, with the environment the VMA would give it.
@Suite(.serialized) struct NXSlaveChannelTests {
    static var canRun: Bool {
        SlaveTestSupport.canMount
            && ["/usr/bin/nxagent", "/usr/bin/nxproxy", "/usr/bin/Xvfb"].allSatisfy { (path: String) in access(path, X_OK) == 0 }
    }

    /// A display number whose X socket, lock and NX ports (4000+n, 11000+n) are all free.
    static func freeDisplay(from start: Int, excluding: Set<Int> = []) -> Int? {
        TestNetwork.freeDisplay(from: start, avoiding: excluding)
    }

    static func portIsFree(_ port: Int) -> Bool { TestNetwork.portIsFree(port) }

    static func freePort() -> Int? {
        (23_000..<24_000).shuffled().first { portIsFree($0) }
    }

    @Test(.enabled(if: canRun), .timeLimit(.minutes(3)))
    func sharesAndOpensThroughNXAndAnswersTheVMSide() async throws {
        let vm = try VMTestHome()
        let clientHome = try SlaveTestSupport.makeTemporaryDirectory("nx-client")
        var processes: [ChildProcessHandle] = []
        defer { try? FileManager.default.removeItem(atPath: clientHome) }

        let agentDisplay = try #require(Self.freeDisplay(from: 470))
        let clientDisplay = try #require(Self.freeDisplay(from: agentDisplay + 1, excluding: [agentDisplay]))
        let slavePort = try #require(Self.freePort())
        let options = vm.root + "/nxagent.options"
        try SlaveTestSupport.write("nx/nx,slave=1,listen=\(4000 + agentDisplay),link=lan:\(agentDisplay)\n", to: options)
        let log = try FileDescriptor.open(vm.root + "/nx.log", .writeOnly, options: [.create, .append], permissions: [.ownerReadWrite])
        defer { try? log.close() }

        do {
            processes.append(try await ChildProcess.start(ChildProcessConfiguration(
                executable: "/usr/bin/Xvfb", arguments: [":\(clientDisplay)", "-screen", "0", "800x600x24", "-nolisten", "tcp"])))
            var agentEnvironment = vm.environment
            agentEnvironment["NX_SLAVE_CMD"] = SlaveTestSupport.vmaServer
            agentEnvironment["DISPLAY"] = nil
            processes.append(try await ChildProcess.start(ChildProcessConfiguration(
                executable: "/usr/bin/nxagent", arguments: ["-ac", "-display", "nx/nx,options=\(options):\(agentDisplay)", ":\(agentDisplay)"],
                environment: .exactly(agentEnvironment),
                standardOutput: .fileDescriptor(log), standardError: .fileDescriptor(log))))
            #expect(await SlaveTestSupport.waitUntil { !Self.portIsFree(4000 + agentDisplay) })

            mkdir(clientHome + "/.qvd", 0o700)
            try SlaveTestSupport.write(SlaveTestSupport.key, to: clientHome + "/.qvd/slave-key")
            try SlaveTestSupport.write(String(slavePort), to: clientHome + "/.qvd/slave-port")
            let clientEnvironment = ["HOME": clientHome, "PATH": ChildProcessEnvironment.defaultPath]
            processes.append(try await ChildProcess.start(ChildProcessConfiguration(
                executable: "/usr/bin/nxproxy",
                arguments: ["-S", "nx/nx,slave=\(slavePort),connect=tcp:127.0.0.1:\(4000 + agentDisplay),link=lan:\(agentDisplay)"],
                environment: .exactly(clientEnvironment.merging(["DISPLAY": ":\(clientDisplay)",
                                                                "NX_SLAVE_CMD": SlaveTestSupport.clientServer]) { $1 }),
                standardOutput: .fileDescriptor(log), standardError: .fileDescriptor(log))))
            #expect(await SlaveTestSupport.waitUntil(timeout: .seconds(20)) {
                !Self.portIsFree(slavePort) && !Self.portIsFree(11000 + agentDisplay)
            })

            // Client → VM: share a folder; it appears as ~/Redirected/<name> for the VM user.
            let folder = clientHome + "/Fotos de verano"
            mkdir(folder, 0o755)
            try SlaveTestSupport.write("client bytes", to: folder + "/día.txt", mode: 0o644)
            let tickets = TicketBox()
            let share = try await ChildProcess.start(ChildProcessConfiguration(
                executable: SlaveTestSupport.slaveClient, arguments: ["share", folder],
                environment: .exactly(clientEnvironment), standardOutput: .lines { tickets.add($0) }))
            processes.append(share)
            let mount = vm.redirected + "/Fotos de verano"
            #expect(await SlaveTestSupport.waitUntil(timeout: .seconds(30)) { SlaveTestSupport.isMountPoint(mount) })
            #expect(await SlaveTestSupport.waitUntil { tickets.first != nil })
            #expect(tickets.first == "Fotos de verano")
            #expect(try String(contentsOfFile: mount + "/día.txt", encoding: .utf8) == "client bytes")
            try "vm bytes".write(toFile: mount + "/from-vm.txt", atomically: false, encoding: .utf8)
            #expect(try String(contentsOfFile: folder + "/from-vm.txt", encoding: .utf8) == "vm bytes")

            // Open a shared file on the VM desktop (the fake opener records DISPLAY and argv).
            let open = try await SlaveClientCommandTests.run(["open", folder + "/día.txt"], home: clientHome)
            #expect(open.status.exitCode == 0)
            #expect(await SlaveTestSupport.waitUntil { !vm.openedLines().isEmpty })
            // nxagent's environment has no DISPLAY here, so the server uses
            // :<internal.nxagent.display> (default 100), as the VMA's session would.
            #expect(vm.openedLines() == [":100|\(mount)/día.txt"])

            // VM → client: nxagent's slave port reaches qvd-client-slaveserver, key required.
            let key = try #require(SlaveKey(SlaveTestSupport.key))
            let toClient = SlaveHTTPClient(port: 11000 + agentDisplay, key: key)
            let pong = try await SlaveTestSupport.offPool { try toClient.send(method: "GET", target: "/ping") }
            #expect(pong.head.status == .ok)
            #expect(pong.text == "Pong!\n")
            let wrong = SlaveHTTPClient(port: 11000 + agentDisplay, key: try #require(SlaveKey("not-the-key")))
            let refused = try await SlaveTestSupport.offPool { try wrong.send(method: "GET", target: "/ping") }
            #expect(refused.head.status == .forbidden)

            // Unshare: the VM mount goes, and the client's share process ends.
            let unshare = try await SlaveClientCommandTests.run(["unshare", "Fotos de verano"], home: clientHome)
            #expect(unshare.status.exitCode == 0)
            #expect(await SlaveTestSupport.waitUntil(timeout: .seconds(20)) { !SlaveTestSupport.isMountPoint(mount) })
            #expect(await SlaveTestSupport.waitUntil(timeout: .seconds(20)) { !share.isRunning })
        } catch {
            Issue.record("NX slave channel test failed: \(error)")
        }
        for process in processes.reversed() where process.isRunning {
            _ = try? await process.terminate(grace: .seconds(2))
        }
        await vm.cleanUp()
    }
}
