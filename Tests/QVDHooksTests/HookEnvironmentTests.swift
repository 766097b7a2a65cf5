import QVDCore
import Testing
@testable import QVDHooks

@Suite struct HookEnvironmentTests {
    @Test func variableNames() {
        #expect(HookEnvironment.variableName(forKey: "qvd.vm.user.name") == "QVD_VM_USER_NAME")
        #expect(HookEnvironment.variableName(forKey: "qvd.hook.on_action") == "QVD_HOOK_ON_ACTION")
        #expect(HookEnvironment.variableName(forKey: "qvd.slave.key") == "QVD_SLAVE_KEY")
        #expect(HookEnvironment.variableName(forKey: "auth_token") == "QVD_AUTH_TOKEN")
        #expect(HookEnvironment.variableName(forKey: "custom.my-key") == "QVD_CUSTOM_MY_KEY")
        #expect(HookEnvironment.variableName(forKey: "vm.expiration.soft") == "QVD_VM_EXPIRATION_SOFT")
        #expect(HookEnvironment.variableName(forKey: "QVD.Client.OS") == "QVD_CLIENT_OS")
        #expect(HookEnvironment.variableName(forKey: "host_address") == "QVD_HOST_ADDRESS")
        for invalid in ["", "qvd.", "bad key", "a=b", "café", "x\u{0}", "a/b"] {
            #expect(HookEnvironment.variableName(forKey: invalid) == nil, "\(invalid)")
        }
    }

    @Test func pathGetsSbinAppendedOnce() {
        #expect(HookEnvironment.path(appendingSbinTo: "/usr/local/bin:/usr/bin:/bin") == "/usr/local/bin:/usr/bin:/bin:/sbin/")
        #expect(HookEnvironment.path(appendingSbinTo: "/usr/bin:/sbin/") == "/usr/bin:/sbin/")
        // "/sbin" without the slash is another entry: upstream appended anyway.
        #expect(HookEnvironment.path(appendingSbinTo: "/usr/bin:/sbin") == "/usr/bin:/sbin:/sbin/")
        #expect(HookEnvironment.path(appendingSbinTo: nil) == ChildProcessEnvironment.defaultPath + ":/sbin/")
        #expect(HookEnvironment.path(appendingSbinTo: "") == ChildProcessEnvironment.defaultPath + ":/sbin/")
    }

    @Test func environmentOfAPreConnectCall() {
        let invocation = HookInvocation.action(.preConnect, sessionState: "stopped", parameters: s36Parameters + [
            HookParameter("bad key", "skipped"),
            HookParameter("custom.nul", "a\u{0}b"),
        ])
        let environment = invocation.environment(base: testBaseEnvironment.merging(["QVD_CUSTOM_FOO": "inherited"]) { $1 })
        #expect(environment == [
            "HOME": "/root",
            "PATH": "/usr/local/bin:/usr/bin:/bin:/sbin/",
            "QVD_VM_USER_NAME": "qvdtest",
            "QVD_CLIENT_KEYBOARD": "pc105/us",
            "QVD_CLIENT_OS": "linux",
            "QVD_CLIENT_LINK": "lan",
            "QVD_CLIENT_GEOMETRY": "1024x768",
            "QVD_CLIENT_FULLSCREEN": "0",
            "QVD_SLAVE_KEY": "QvdOracle0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS",
            "QVD_CUSTOM_FOO": "bar",
            "QVD_CUSTOM_NOTE": "café & bár=1/2%",
            "QVD_CUSTOM_DUP": "second",
            "QVD_CUSTOM_FLAG": "",
            "QVD_VM_USER_GROUPS": "qvduser",
            "QVD_VM_USER_HOME": "/srv/qvd-oracle/home/qvdtest",
            "QVD_VM_SESSION_STATE": "stopped",
            "QVD_HOOK_ON_ACTION": "pre_connect",
        ])
    }

    @Test func stateHookEnvironment() {
        let environment = HookInvocation.state(.suspended).environment(base: ["PATH": "/bin"])
        #expect(environment == ["PATH": "/bin:/sbin/", "QVD_HOOK_ON_STATE": "suspended"])
    }
}
