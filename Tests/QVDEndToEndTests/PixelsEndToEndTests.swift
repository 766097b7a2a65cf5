import Foundation
import QVDClient
import QVDCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 4, "Must show": pixels end to end. `qvdclient` → `qvd-l7r-stub` (TLS) → `qvd-vma`
/// → real nxagent, whose session paints a known colour; the client's nxproxy draws it on
/// the user's Xvfb. Then Ctrl-C suspends the session and a second client resumes it.
/// Needs root (the agent provisions the session user); skipped elsewhere with the reason.
@Suite(.serialized, .enabled(if: EndToEndBinaries.canRunSession,
                             "needs root, nxagent, nxproxy, Xvfb, xinit, ImageMagick, x11-utils and the built binaries"))
struct PixelsEndToEndTests {
    func withRig(_ body: (EndToEndSessionRig) async throws -> Void) async throws {
        let rig = try EndToEndSessionRig()
        do {
            try await rig.startAll()
            try await body(rig)
        } catch {
            Issue.record("\(rig.diagnostics)")
            await rig.tearDown()
            throw error
        }
        await rig.tearDown()
    }

    @Test func pixelsReachTheUserDisplayAndTheSessionResumes() async throws {
        try await withRig { rig in
            let client = rig.client()
            #expect(try await rig.state() == "stopped")

            // First connection: a new session.
            let first = try await client.start(try rig.clientArguments(extra: ["-d"]), stderrFile: "\(rig.root)/log/client1.err")
            rig.clients.append(first)
            #expect(try await rig.waitForState("connected") == "connected", "\(rig.diagnostics)")
            let shown = try await rig.waitForColourInAgentWindow()
            let window = try #require(shown.window, "no nxagent window on :\(rig.userDisplay)")
            #expect(shown.pixel.contains(EndToEndSessionRig.colour.srgb), "centre of nxagent's window: \(shown.pixel)")
            // Outside nxagent's window the Xvfb root stays black: the colour came through NX.
            if window.x + window.width < 1270 {
                let outside = try await rig.pixel(x: 1275, y: 1019)
                #expect(outside.contains("srgb(0,0,0)") || outside.contains("black"), "outside nxagent's window: \(outside)")
            }
            // The session's slave key is saved 0600 for the slave tools while it runs.
            let keyPath = rig.clientHome + "/.qvd/slave-key"
            let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            #expect(try String(contentsOfFile: keyPath, encoding: .utf8).count == 64)

            // Ctrl-C: the client closes its connection, the session is suspended, the
            // client exits 0 saying so, and it removes the slave key.
            #expect(try first.signal(.interrupt))
            let ended = try await first.wait()
            #expect(ended.status == .exited(0))
            #expect(try await rig.waitForState("suspended") == "suspended")
            let firstErr = try String(contentsOfFile: "\(rig.root)/log/client1.err", encoding: .utf8)
            #expect(firstErr.contains("session ended: interrupted"), "\(firstErr.suffix(2000))")
            #expect(!FileManager.default.fileExists(atPath: keyPath))
            #expect(!FileManager.default.fileExists(atPath: rig.clientHome + "/.qvd/slave-port"))
            let agentPID = rig.readRunFile("nxagent.pid")

            // Second connection: the same nxagent resumes (suspended → connected), same pixels.
            let second = try await client.start(try rig.clientArguments(extra: ["-d"]), stderrFile: "\(rig.root)/log/client2.err")
            rig.clients.append(second)
            #expect(try await rig.waitForState("connected") == "connected", "\(rig.diagnostics)")
            #expect(rig.readRunFile("nxagent.pid") == agentPID)
            let again = try await rig.waitForColourInAgentWindow()
            #expect(again.pixel.contains(EndToEndSessionRig.colour.srgb), "after resume: \(again.pixel)")
            let secondErr = try String(contentsOfFile: "\(rig.root)/log/client2.err", encoding: .utf8)
            #expect(secondErr.contains("Session: Session started"), "\(secondErr.suffix(2000))")

            // The log names the session, never the password.
            let log = try String(contentsOfFile: rig.clientHome + "/.qvd/qvd-client.log", encoding: .utf8)
            #expect(log.contains("session started"))
            #expect(!log.contains(rig.password))
            #expect(try second.signal(.interrupt))
            #expect(try await second.wait().status == .exited(0))
            #expect(try await rig.waitForState("suspended") == "suspended")
        }
    }

    /// The strict-stub check over the wire: the built client's list, `-r` (stop_vm) and a
    /// connect carrying every option that changes the request, through the real stub to the
    /// real agent. Any refusal (401/403/404/422/426) would fail the run.
    @Test func theClientsRequestsWithEveryOptionAreAccepted() async throws {
        try await withRig { rig in
            let client = rig.client()
            let listed = try await client.run(try rig.clientArguments(extra: ["-l", "--json"]))
            #expect(listed.status == .exited(0), "\(listed.standardError?.text ?? "")")
            #expect(listed.standardOutput?.text == #"[{"id":1,"name":"Desktop-1","state":"running","blocked":0,"is_application":0}]"# + "\n")

            let session = try await client.start(
                try rig.clientArguments(extra: ["-r", "-f", "-K", "pc105/es", "-x", "nx/nx,link=lan", "-d"]),
                stderrFile: "\(rig.root)/log/client-options.err")
            rig.clients.append(session)
            #expect(try await rig.waitForState("connected") == "connected", "\(rig.diagnostics)")
            let err = try String(contentsOfFile: "\(rig.root)/log/client-options.err", encoding: .utf8)
            #expect(err.contains("Stopping virtual machine"), "\(err.suffix(2000))")
            #expect(err.contains("Assigning VM 1 to host"), "\(err.suffix(2000))")
            #expect(err.contains("Starting virtual machine"), "\(err.suffix(2000))")
            let options = rig.readRunFile("nxagent.conf") ?? ""
            #expect(options.contains("keyboard=pc105/es"), "\(options)")
            #expect(options.contains("fullscreen=1"), "\(options)")
            #expect(try session.signal(.interrupt))
            #expect(try await session.wait().status == .exited(0))
            let stub = try #require(rig.stub)
            #expect(stub.requests == ["GET /qvd/list_of_vm", "GET /qvd/list_of_vm", "GET /qvd/stop_vm", "GET /qvd/connect_to_vm"])
            #expect(!stub.log.contains("connect failed"))
            #expect(!stub.log.contains("malformed request"))
        }
    }
}
