import QVDCore
import Testing
@testable import QVDHooks

@Suite struct HookRunRecordTests {
    @Test func logMessageListsEventPathArgumentsStatusAndDuration() {
        let record = HookRunRecord(
            event: .action(.preConnect), context: "action pre_connect on state stopped", path: "/etc/qvd/pre.sh",
            redactedArguments: ["qvd.vm.user.name", "qvdtest", "custom.note", "café & bár=1/2%", "custom.flag", "",
                                "custom.q", "it's", "qvd.slave.key", "***"],
            outcome: .finished(.exited(1)), duration: .milliseconds(12)
        )
        #expect(record.logMessage == "vma.on_action.pre-connect /etc/qvd/pre.sh [qvd.vm.user.name qvdtest custom.note 'café & bár=1/2%' "
            + "custom.flag '' custom.q 'it'\\''s' qvd.slave.key ***] exited with code 1 in 0.012 s")
        #expect(!record.succeeded)
        #expect(record.error?.description == "hook /etc/qvd/pre.sh for action pre_connect on state stopped failed, rc: 1\n")
    }

    @Test func outcomesInTheLogLine() {
        func message(_ outcome: HookRunRecord.Outcome) -> String {
            HookRunRecord(event: .state(.stopped), context: "state stopped", path: "/h", redactedArguments: ["qvd.hook.on_state", "stopped"],
                          outcome: outcome, duration: .milliseconds(1001)).logMessage
        }
        #expect(message(.finished(.exited(0))) == "vma.on_state.disconnected /h [qvd.hook.on_state stopped] exited with code 0 in 1.001 s")
        #expect(message(.finished(.signalled(.user1))) == "vma.on_state.disconnected /h [qvd.hook.on_state stopped] killed by SIGUSR1 in 1.001 s")
        #expect(message(.timedOut(limit: .seconds(1), status: .signalled(.terminate)))
            == "vma.on_state.disconnected /h [qvd.hook.on_state stopped] timed out after 1 s, killed by SIGTERM in 1.001 s")
        #expect(message(.notRun(configurationKey: "vma.on_state.disconnected", problem: .notExecutable))
            == "vma.on_state.disconnected /h [qvd.hook.on_state stopped] not run (vma.on_state.disconnected): "
            + "not executable (set its execute bits, e.g. chmod 755) in 1.001 s")
    }

    @Test func onlyExitZeroSucceeds() {
        func record(_ outcome: HookRunRecord.Outcome) -> HookRunRecord {
            HookRunRecord(event: .action(.stop), context: "c", path: "/h", redactedArguments: [], outcome: outcome, duration: .zero)
        }
        #expect(record(.finished(.exited(0))).succeeded)
        #expect(record(.finished(.exited(0))).error == nil)
        #expect(!record(.finished(.exited(2))).succeeded)
        #expect(!record(.timedOut(limit: .seconds(1), status: .exited(0))).succeeded)
        #expect(record(.cancelled).error?.kind == .cancelled)
    }
}
