import Testing
@testable import QVDHooks

@Suite struct HookInvocationTests {
    @Test func preConnectPassesEveryParameterInOrderThenTheTrailer() {
        let invocation = HookInvocation.action(.preConnect, sessionState: "stopped", parameters: s36Parameters)
        #expect(invocation.arguments == s36ExpectedPairs + [
            "qvd.vm.session.state", "stopped",
            "qvd.hook.on_action", "pre_connect",
        ])
        // Transcript S36: argc=30, 13 pairs plus the 2-pair trailer; we leave out the
        // slave key pair (secret), so 28.
        #expect(invocation.arguments.count == 28)
        #expect(!invocation.arguments.contains("qvd.slave.key"))
        #expect(invocation.pairs.contains(HookParameter("qvd.slave.key", "QvdOracle0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS")))
        #expect(invocation.context == "action pre_connect on state stopped")
        #expect(invocation.event == .action(.preConnect))
    }

    @Test func connectCarriesTheStateGiven() {
        let invocation = HookInvocation.action(.connect, sessionState: "provisioning", parameters: s36Parameters)
        #expect(Array(invocation.arguments.suffix(4)) == ["qvd.vm.session.state", "provisioning", "qvd.hook.on_action", "connect"])
        #expect(invocation.context == "action connect on state provisioning")
    }

    @Test func provisioningHooksGetTheParametersAndTheirStep() {
        for step in HookEvent.ProvisioningStep.allCases {
            let invocation = HookInvocation.provisioning(step, parameters: s36Parameters)
            #expect(invocation.arguments == s36ExpectedPairs + ["qvd.hook.on_provisioning", step.rawValue])
            #expect(invocation.arguments.count == 26)
            #expect(invocation.context == "on provisioning \(step.rawValue)")
        }
    }

    @Test func stateHooksGetOnlyTheirState() {
        #expect(HookInvocation.state(.connected).arguments == ["qvd.hook.on_state", "connected"])
        #expect(HookInvocation.state(.suspended).arguments == ["qvd.hook.on_state", "suspended"])
        #expect(HookInvocation.state(.stopped).arguments == ["qvd.hook.on_state", "stopped"])
        #expect(HookInvocation.state(.stopped).context == "state stopped")
    }

    @Test func suspendStopPoweroffAndDisconnectIgnoreCallParameters() {
        // Transcript S74: poweroff?x=1 still gives argc=4.
        for action in [HookEvent.Action.suspend, .stop, .poweroff, .disconnect] {
            let invocation = HookInvocation.action(action, sessionState: "connected", parameters: [HookParameter("x", "1")])
            #expect(invocation.arguments == ["qvd.vm.session.state", "connected", "qvd.hook.on_action", action.rawValue])
        }
    }

    @Test func expirePassesOnlyExpirationPairsAndNoStrayItem() {
        let invocation = HookInvocation.action(.expire, sessionState: "stopped", parameters: [
            HookParameter("vm.expiration.soft", "2024-01-01T00:00:00"),
            HookParameter("x", "1"),
            HookParameter("vm.expiration.hard", "2024-01-02 00:00:00"),
        ])
        #expect(invocation.arguments == [
            "vm.expiration.soft", "2024-01-01T00:00:00",
            "vm.expiration.hard", "2024-01-02 00:00:00",
            "qvd.vm.session.state", "stopped",
            "qvd.hook.on_action", "expire",
        ])
        // Transcript S70 without the stray first item: 4 instead of 5.
        #expect(HookInvocation.action(.expire, sessionState: "stopped").arguments.count == 4)
    }

    @Test func duplicatesKeepTheFirstPositionAndTheLastValue() {
        let collapsed = HookInvocation.collapsingDuplicates([
            HookParameter("a", "1"), HookParameter("b", "2"), HookParameter("a", "3"), HookParameter("c", "4"), HookParameter("a", "5"),
        ])
        #expect(collapsed == [HookParameter("a", "5"), HookParameter("b", "2"), HookParameter("c", "4")])
    }

    @Test func callParametersCannotSpoofTheTrailer() {
        let invocation = HookInvocation.action(.connect, sessionState: "starting", parameters: [
            HookParameter("qvd.hook.on_action", "stop"),
            HookParameter("qvd.vm.session.state", "connected"),
            HookParameter("custom.a", "b"),
        ])
        #expect(invocation.arguments == ["custom.a", "b", "qvd.vm.session.state", "starting", "qvd.hook.on_action", "connect"])
        let provisioning = HookInvocation.provisioning(.addUser, parameters: [HookParameter("qvd.hook.on_provisioning", "x")])
        #expect(provisioning.arguments == ["qvd.hook.on_provisioning", "add_user"])
    }

    @Test func argumentsAreCutAtANulByteAsExecWould() {
        let invocation = HookInvocation.provisioning(.mountHome, parameters: [HookParameter("custom.a", "left\u{0}right")])
        #expect(invocation.arguments == ["custom.a", "left", "qvd.hook.on_provisioning", "mount_home"])
    }
}
