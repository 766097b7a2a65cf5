#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import QVDCore

@Suite struct ProcessSignalTests {
    @Test(arguments: [
        (SIGHUP, "SIGHUP"), (SIGINT, "SIGINT"), (SIGKILL, "SIGKILL"), (SIGTERM, "SIGTERM"),
        (SIGUSR1, "SIGUSR1"), (SIGPIPE, "SIGPIPE"), (SIGSEGV, "SIGSEGV"), (SIGCHLD, "SIGCHLD"),
    ])
    func namesMatchTheConvention(number: Int32, name: String) {
        #expect(ProcessSignal(rawValue: number).name == name)
        #expect(ProcessSignal(rawValue: number).description == name)
    }

    @Test func unnamedSignalsShowTheirNumber() {
        #expect(ProcessSignal(rawValue: 40).name == "SIG40")
    }

    @Test func parsesTheUsualSpellings() {
        #expect(ProcessSignal(name: "SIGHUP") == .hangup)
        #expect(ProcessSignal(name: "HUP") == .hangup)
        #expect(ProcessSignal(name: "term") == .terminate)
        #expect(ProcessSignal(name: "9") == .kill)
        #expect(ProcessSignal(name: "SIGNOPE") == nil)
        #expect(ProcessSignal(name: "0") == nil)
    }

    @Test func statusDescriptionsNameTheSignal() {
        #expect(ChildProcessStatus.signalled(.kill).description == "killed by SIGKILL")
        #expect(ChildProcessStatus.exited(3).description == "exited with code 3")
        #expect(ChildProcessStatus.exited(0).isSuccess)
        #expect(!ChildProcessStatus.signalled(.terminate).isSuccess)
    }

    @Test func resultDescriptionSaysTimedOutAndHowItEnded() {
        let result = ChildProcessResult(
            executable: "/bin/sh", pid: 4242, status: .signalled(.kill), timedOut: true, duration: .milliseconds(5012)
        )
        #expect(result.description == "'/bin/sh' (pid 4242) timed out, then killed by SIGKILL after 5.012 s")
        #expect(!result.succeeded)
    }
}
