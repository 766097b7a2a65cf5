import QVDCore
import Testing
@testable import QVDHooks

@Suite struct HookErrorTests {
    private let hook = "/srv/qvd-oracle/hooks/record.sh"

    @Test func actionFailureHasUpstreamsWordingAndANewline() {
        // Transcript S62 without Perl's " at FILE line N." suffix.
        let invocation = HookInvocation.action(.preConnect, sessionState: "stopped")
        let error = HookError(event: invocation.event, context: invocation.context, path: hook, kind: .failed(.exited(1)))
        #expect(error.description == "hook /srv/qvd-oracle/hooks/record.sh for action pre_connect on state stopped failed, rc: 1\n")
        #expect(error.message == "hook /srv/qvd-oracle/hooks/record.sh for action pre_connect on state stopped failed, rc: 1")
    }

    @Test func expireFailure() {
        // Transcript S72.
        let invocation = HookInvocation.action(.expire, sessionState: "stopped")
        let error = HookError(event: invocation.event, context: invocation.context, path: hook, kind: .failed(.exited(1)))
        #expect(error.description == "hook /srv/qvd-oracle/hooks/record.sh for action expire on state stopped failed, rc: 1\n")
    }

    @Test func provisioningAndStateFailuresNameTheirCall() {
        let provisioning = HookInvocation.provisioning(.addUser, parameters: [])
        #expect(HookError(event: provisioning.event, context: provisioning.context, path: hook, kind: .failed(.exited(3))).description
            == "hook /srv/qvd-oracle/hooks/record.sh for on provisioning add_user failed, rc: 3\n")
        let state = HookInvocation.state(.connected)
        #expect(HookError(event: state.event, context: state.context, path: hook, kind: .failed(.signalled(.kill))).description
            == "hook /srv/qvd-oracle/hooks/record.sh for state connected failed, killed by SIGKILL\n")
    }

    @Test func timeoutNamesTheHookAndTheLimit() {
        let error = HookError(event: .action(.connect), context: "action connect on state starting", path: hook,
                              kind: .timedOut(limit: .seconds(60), status: .signalled(.terminate)))
        #expect(error.description == "hook /srv/qvd-oracle/hooks/record.sh for action connect on state starting timed out after 60 s "
            + "(vma.hook.timeout) and was killed with its process group\n")
        let short = HookError(event: .action(.connect), context: "c", path: "/h", kind: .timedOut(limit: .milliseconds(1500), status: .signalled(.kill)))
        #expect(short.message == "hook /h for c timed out after 1.5 s (vma.hook.timeout) and was killed with its process group")
    }

    @Test func notRunnableNamesPathAndKey() {
        let error = HookError(event: .action(.stop), context: "action stop on state connected", path: "/etc/qvd/stop.sh",
                              kind: .notRunnable(configurationKey: "vma.on_action.stop", problem: .missing))
        #expect(error.description == "hook /etc/qvd/stop.sh for action stop on state connected cannot run: no such file; "
            + "fix the file or the setting vma.on_action.stop\n")
    }

    @Test func spawnFailureNamesPathAndCause() {
        let cause = ChildProcessError(executable: "/etc/qvd/stop.sh", kind: .cannotExecute, errno: .noSuchFileOrDirectory)
        let error = HookError(event: .action(.stop), context: "action stop on state connected", path: "/etc/qvd/stop.sh",
                              kind: .cannotStart(cause))
        #expect(error.description == "hook /etc/qvd/stop.sh for action stop on state connected could not be started: \(cause)\n")
        #expect(error.description.contains("'/etc/qvd/stop.sh'"))
    }

    @Test func durationTexts() {
        #expect(HookDurationText.seconds(.seconds(1)) == "1")
        #expect(HookDurationText.seconds(.milliseconds(250)) == "0.25")
        #expect(HookDurationText.fixedSeconds(.milliseconds(12)) == "0.012")
        #expect(HookDurationText.fixedSeconds(.seconds(61)) == "61.000")
        #expect(HookDurationText.fixedSeconds(.microseconds(1_499)) == "0.001")
        #expect(HookDurationText.fixedSeconds(.microseconds(1_500)) == "0.002")
    }
}
