import Testing
@testable import QVDHooks

@Suite struct StateHookGateTests {
    private func fired(_ states: [String], from start: String? = nil) -> [HookEvent.SessionState] {
        var gate = StateHookGate(lastReportedState: start)
        return states.compactMap { gate.observe(reportedState: $0) }
    }

    @Test func aWholeSessionFiresEachTransitionOnce() {
        #expect(fired(["stopped", "starting", "listening", "connected", "connected", "suspending", "suspended", "suspended",
                       "listening", "connected", "stopping", "stopped", "stopped", "stopped"])
            == [.stopped, .connected, .suspended, .connected, .stopped])
    }

    @Test func repeatedStoppedSavesFireOnce() {
        // Upstream fired `stopped` three times for one x_stop (transcript S56).
        #expect(fired(["stopped", "stopped", "stopped"], from: "stopping") == [.stopped])
    }

    @Test func aFailedStartFiresStoppedAgain() {
        // Transcript S64: the failed fresh start fires `stopped` once.
        #expect(fired(["starting", "stopped"], from: "stopped") == [.stopped])
    }

    @Test func statesWithoutHooksFireNothing() {
        #expect(fired(["starting", "provisioning", "listening", "suspending", "stopping"]).isEmpty)
    }
}
