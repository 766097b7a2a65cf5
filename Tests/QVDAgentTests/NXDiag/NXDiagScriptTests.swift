import Foundation
import QVDCore
import Testing

/// `Agent/nxdiag/qvd-nxdiag`, the NX_CLIENT of our sessions: it must suspend the session
/// (HUP to its parent, nxagent) for every dialog but "pulldown".
@Suite struct NXDiagScriptTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Agent/nxdiag/qvd-nxdiag").path

    /// Runs the script under a parent shell that reports whether it got HUP.
    func parentOutcome(_ arguments: String) async throws -> String {
        let result = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/bin/sh",
            arguments: ["-c", "trap 'echo hup; exit 0' HUP; \(Self.script) \(arguments); sleep 2 & wait; echo none"],
            standardOutput: .collect(limit: 1024)), timeout: .seconds(10))
        return result.standardOutput?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    @Test(arguments: ["--dialog yesno --caption x --message y", "--dialog=quit", "--dialog ok", ""])
    func everyDialogButPulldownSuspends(_ arguments: String) async throws {
        #expect(try await parentOutcome(arguments) == "hup")
    }

    @Test func pulldownIsLeftAlone() async throws {
        #expect(try await parentOutcome("--dialog pulldown --window 0x1") == "none")
    }
}
