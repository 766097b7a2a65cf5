import Testing
@testable import QVDHooks

@Suite struct HookEventTests {
    @Test func everyKeyWithItsUpstreamNameAndMode() {
        let table = HookEvent.allCases.map { "\($0.configurationKey) \($0.upstreamName) \($0.argumentKey) \($0.isBlocking ? "blocking" : "detached")" }
        #expect(table == [
            "vma.on_action.pre-connect pre_connect qvd.hook.on_action blocking",
            "vma.on_action.connect connect qvd.hook.on_action blocking",
            "vma.on_action.suspend suspend qvd.hook.on_action blocking",
            "vma.on_action.stop stop qvd.hook.on_action blocking",
            "vma.on_action.poweroff poweroff qvd.hook.on_action blocking",
            "vma.on_action.expire expire qvd.hook.on_action blocking",
            "vma.on_action.disconnect disconnect qvd.hook.on_action blocking",
            "vma.on_state.connected connected qvd.hook.on_state detached",
            "vma.on_state.suspended suspended qvd.hook.on_state detached",
            "vma.on_state.disconnected stopped qvd.hook.on_state detached",
            "vma.on_provisioning.mount_home mount_home qvd.hook.on_provisioning blocking",
            "vma.on_provisioning.add_user add_user qvd.hook.on_provisioning blocking",
            "vma.on_provisioning.after_add_user after_add_user qvd.hook.on_provisioning blocking",
        ])
    }

    @Test func configurationKeysRoundTrip() {
        for event in HookEvent.allCases {
            #expect(HookEvent(configurationKey: event.configurationKey) == event)
        }
        #expect(HookEvent(configurationKey: "vma.on_action.pre_connect") == nil)
        #expect(HookEvent(configurationKey: "vma.on_state.stopped") == nil)
        #expect(HookEvent(configurationKey: "vma.hook.timeout") == nil)
    }

    @Test func onlyThreeReportedStatesHaveStateHooks() {
        #expect(HookEvent.SessionState(reportedState: "connected") == .connected)
        #expect(HookEvent.SessionState(reportedState: "suspended") == .suspended)
        #expect(HookEvent.SessionState(reportedState: "stopped") == .stopped)
        for other in ["starting", "listening", "provisioning", "suspending", "stopping", "disconnected", ""] {
            #expect(HookEvent.SessionState(reportedState: other) == nil)
        }
    }

    @Test func parameterPolicies() {
        #expect(HookEvent.Action.preConnect.parameterPolicy == .all)
        #expect(HookEvent.Action.connect.parameterPolicy == .all)
        #expect(HookEvent.Action.expire.parameterPolicy == .keyPrefix("vm.expiration."))
        for action in [HookEvent.Action.suspend, .stop, .poweroff, .disconnect] {
            #expect(action.parameterPolicy == HookParameterPolicy.none)
        }
    }
}
