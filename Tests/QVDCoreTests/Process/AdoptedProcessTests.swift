#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import QVDCore

@Suite(.timeLimit(.minutes(1)))
struct AdoptedProcessTests {
    /// Starts `sleep 100` as an orphan (its shell exits at once), so it is not our child,
    /// like an X session found running by a restarted agent.
    private func orphanedSleep(trapTerm: Bool = false) async throws -> (pid: pid_t, shell: pid_t) {
        let trap = trapTerm ? "trap '' TERM; " : ""
        let result = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/bin/sh",
            arguments: ["-c", "\(trap)sleep 100 >/dev/null 2>&1 & echo $!"],
            standardOutput: .collect(limit: 64)
        ))
        let pid = try #require(result.standardOutput?.lines.first.flatMap { pid_t($0) })
        return (pid, result.pid)
    }

    @Test func adoptsAndTerminatesAProcessThatIsNotOurChild() async throws {
        let (pid, shell) = try await orphanedSleep()
        let adopted = try #require(AdoptedProcess(pid: pid))
        #expect(adopted.isAlive)
        #expect(adopted.processGroupID == shell)
        #expect(await adopted.terminate(grace: .seconds(2)) == .terminate)
        #expect(!adopted.isAlive)
        #expect(ProcessControl.isAlive(pid) == false)
        #expect(try adopted.signal(.hangup) == false)
        #expect(AdoptedProcess(pid: pid) == nil)
    }

    @Test func terminateEscalatesToKillWhenTermIsIgnored() async throws {
        let (pid, _) = try await orphanedSleep(trapTerm: true)
        let adopted = try #require(AdoptedProcess(pid: pid))
        #expect(await adopted.terminate(grace: .milliseconds(200)) == .kill)
        #expect(!adopted.isAlive)
    }

    @Test func waitForExitReturnsWhenTheProcessDiesAndStopsOnCancellation() async throws {
        let (pid, _) = try await orphanedSleep()
        let adopted = try #require(AdoptedProcess(pid: pid))

        let cancelled = Task { await adopted.waitForExit(pollInterval: .milliseconds(10)) }
        cancelled.cancel()
        #expect(await cancelled.value == false)
        #expect(adopted.isAlive)

        let waiter = Task { await adopted.waitForExit(pollInterval: .milliseconds(10)) }
        #expect(try adopted.signal(.kill) == true)
        #expect(await waiter.value == true)
        #expect(!adopted.isAlive)
    }

    @Test func nothingToAdoptForAMissingPid() {
        #expect(AdoptedProcess(pid: 0) == nil)
        #expect(AdoptedProcess(pid: -5) == nil)
        #expect(AdoptedProcess(pid: 4_000_000) == nil)
    }
}
