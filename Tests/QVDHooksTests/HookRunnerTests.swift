#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import QVDCore
import Testing
@testable import QVDHooks

/// The runner against real shell scripts in temporary directories (never /etc/qvd).
@Suite struct HookRunnerTests {
    private let slaveKey = "QvdOracle0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"

    private func makeRunner(
        _ temp: TemporaryDirectory,
        hooks: [HookEvent: String],
        timeout: Duration? = .seconds(10),
        credentials: ChildProcessCredentials? = nil,
        logger: Logger? = nil
    ) -> HookRunner {
        HookRunner(
            configuration: HookConfiguration(
                hooks: hooks,
                directory: temp.file("hooks"),
                timeout: timeout,
                terminationGrace: .milliseconds(300),
                credentials: credentials,
                hooksLogPath: temp.file("qvd-hooks.log"),
                baseEnvironment: testBaseEnvironment
            ),
            logger: logger ?? memoryLogger().0
        )
    }

    @Test func actionHookGetsExactArgvEnvironmentAndDescriptors() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let hook = try recorderScript(in: temp, name: "record")
        let runner = makeRunner(temp, hooks: [.action(.preConnect): hook])

        let records = try await runner.run(.action(.preConnect, sessionState: "stopped", parameters: s36Parameters))

        #expect(records.count == 1)
        #expect(records.first?.succeeded == true)
        #expect(temp.lines("record.argv") == s36ExpectedPairs + ["qvd.vm.session.state", "stopped", "qvd.hook.on_action", "pre_connect"])
        let umask = String(currentUmask(), radix: 8)
        let info = temp.lines("record.info")
        let ourIdentity = try commandOutput("/usr/bin/id")
        #expect(info == [
            "id=\(ourIdentity)",
            "cwd=/",
            "umask=" + String(repeating: "0", count: 4 - umask.count) + umask,
            "fd0=/dev/null",
            "fd1=\(temp.file("qvd-hooks.log"))",
            "fd2=\(temp.file("qvd-hooks.log"))",
            "argc=28",
        ])
        let environment = Set(temp.lines("record.env"))
        #expect(environment == [
            "HOME=/root",
            "PATH=/usr/local/bin:/usr/bin:/bin:/sbin/",
            "QVD_VM_USER_NAME=qvdtest",
            "QVD_CLIENT_KEYBOARD=pc105/us",
            "QVD_CLIENT_OS=linux",
            "QVD_CLIENT_LINK=lan",
            "QVD_CLIENT_GEOMETRY=1024x768",
            "QVD_CLIENT_FULLSCREEN=0",
            "QVD_SLAVE_KEY=\(slaveKey)",
            "QVD_CUSTOM_FOO=bar",
            "QVD_CUSTOM_NOTE=café & bár=1/2%",
            "QVD_CUSTOM_DUP=second",
            "QVD_CUSTOM_FLAG=",
            "QVD_VM_USER_GROUPS=qvduser",
            "QVD_VM_USER_HOME=/srv/qvd-oracle/home/qvdtest",
            "QVD_VM_SESSION_STATE=stopped",
            "QVD_HOOK_ON_ACTION=pre_connect",
        ])
    }

    @Test(arguments: [
        (HookInvocation.provisioning(.mountHome, parameters: [HookParameter("qvd.vm.user.name", "u")]),
         ["qvd.vm.user.name", "u", "qvd.hook.on_provisioning", "mount_home"]),
        (HookInvocation.state(.stopped), ["qvd.hook.on_state", "stopped"]),
        (HookInvocation.action(.suspend, sessionState: "connected", parameters: [HookParameter("x", "1")]),
         ["qvd.vm.session.state", "connected", "qvd.hook.on_action", "suspend"]),
        (HookInvocation.action(.expire, sessionState: "stopped", parameters: [
            HookParameter("vm.expiration.soft", "2024-01-01T00:00:00"), HookParameter("vm.expiration.hard", "2024-01-02 00:00:00")]),
         ["vm.expiration.soft", "2024-01-01T00:00:00", "vm.expiration.hard", "2024-01-02 00:00:00",
          "qvd.vm.session.state", "stopped", "qvd.hook.on_action", "expire"]),
    ])
    func everyHookTypeGetsItsArgv(invocation: HookInvocation, expected: [String]) async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let runner = makeRunner(temp, hooks: [invocation.event: try recorderScript(in: temp, name: "record")])
        try await runner.run(invocation)
        #expect(temp.lines("record.argv") == expected)
        #expect(temp.lines("record.info").last == "argc=\(expected.count)")
    }

    @Test func outputAndOneRedactedLinePerRunGoToTheHooksLog() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let hook = try recorderScript(in: temp, name: "record")
        let (logger, agentLog) = memoryLogger()
        let runner = makeRunner(temp, hooks: [.action(.connect): hook], logger: logger)
        try "earlier content\n".write(toFile: temp.file("qvd-hooks.log"), atomically: false, encoding: .utf8)

        try await runner.run(.action(.connect, sessionState: "starting", parameters: [
            HookParameter("qvd.vm.user.name", "qvdtest"),
            HookParameter("qvd.slave.key", slaveKey),
            HookParameter("auth_token", "tok-SECRET-123"),
            HookParameter("custom.note", "a b"),
        ]))

        let log = try #require(temp.read("qvd-hooks.log"))
        let lines = log.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(Array(lines.prefix(3)) == ["earlier content", "stdout of record", "stderr of record"])
        let expected = "INFO hook: vma.on_action.connect \(hook) [qvd.vm.user.name qvdtest qvd.slave.key *** auth_token *** "
            + "custom.note 'a b' qvd.vm.session.state starting qvd.hook.on_action connect] exited with code 0 in <d> s"
        #expect(runLines(inHooksLog: log).map(maskingDuration) == [expected])
        #expect(!log.contains(slaveKey))
        #expect(!log.contains("tok-SECRET-123"))
        // The same event reaches the agent's own log.
        #expect(agentLog.lines.compactMap { runLines(inHooksLog: $0).first }.map(maskingDuration)
            == [expected.replacingOccurrences(of: "INFO hook:", with: "INFO vma.hooks:")])
        // The hook gets the secrets in its environment only, never in its (world-readable) argv.
        #expect(!temp.lines("record.argv").contains(slaveKey))
        #expect(!temp.lines("record.argv").contains("tok-SECRET-123"))
        #expect(temp.lines("record.env").contains("QVD_SLAVE_KEY=\(slaveKey)"))
        #expect(temp.lines("record.env").contains("QVD_AUTH_TOKEN=tok-SECRET-123"))
    }

    @Test func aFailingHookThrowsUpstreamsMessage() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let hook = try recorderScript(in: temp, name: "record", status: 1)
        let (logger, agentLog) = memoryLogger()
        let runner = makeRunner(temp, hooks: [.action(.preConnect): hook], logger: logger)

        let error = await #expect(throws: HookError.self) {
            try await runner.run(.action(.preConnect, sessionState: "stopped", parameters: s36Parameters))
        }
        #expect(error?.description == "hook \(hook) for action pre_connect on state stopped failed, rc: 1\n")
        #expect(error?.kind == .failed(.exited(1)))
        #expect(agentLog.lines.count == 1)
        #expect(agentLog.lines.first?.contains(" ERROR vma.hooks: vma.on_action.pre-connect \(hook) [") == true)
        #expect(agentLog.lines.first?.contains("] exited with code 1 in ") == true)
    }

    @Test func aHookKilledByASignalFailsNamingIt() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let hook = try temp.script("die", "kill -USR1 $$\nsleep 5")
        let runner = makeRunner(temp, hooks: [.provisioning(.addUser): hook])
        let error = await #expect(throws: HookError.self) {
            try await runner.run(.provisioning(.addUser, parameters: []))
        }
        #expect(error?.description == "hook \(hook) for on provisioning add_user failed, killed by SIGUSR1\n")
    }

    @Test func aHookThatHangsIsKilledWithItsWholeGroupAtTheTimeout() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        // The grandchild ignores SIGTERM, so only the group-wide SIGKILL after the grace
        // period ends it.
        let hook = try temp.script("hang", """
        sh -c 'trap "" TERM; echo $$ > \(temp.file("grandchild.pid")); exec sleep 300' &
        echo $$ > \(temp.file("hook.pid"))
        sleep 300
        """)
        let runner = makeRunner(temp, hooks: [.action(.connect): hook], timeout: .seconds(1))

        let started = ContinuousClock.now
        let error = await #expect(throws: HookError.self) {
            try await runner.run(.action(.connect, sessionState: "starting"))
        }
        let elapsed = ContinuousClock.now - started

        #expect(error?.description == "hook \(hook) for action connect on state starting timed out after 1 s (vma.hook.timeout) "
            + "and was killed with its process group\n")
        #expect(elapsed >= .seconds(1))
        // 1 s timeout + 2 s grace for the TERM-ignoring grandchild, with headroom for a
        // loaded 2-core CI machine running the other suites in parallel.
        #expect(elapsed < .seconds(20))
        let hookPid = try #require(pid_t(temp.read("hook.pid")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
        let grandchildPid = try #require(pid_t(temp.read("grandchild.pid")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
        #expect(!isAlive(hookPid))
        #expect(!isAlive(grandchildPid))
        let log = try #require(temp.read("qvd-hooks.log"))
        #expect(runLines(inHooksLog: log).map(maskingDuration)
            == ["ERROR hook: vma.on_action.connect \(hook) [qvd.vm.session.state starting qvd.hook.on_action connect] "
                + "timed out after 1 s, killed by SIGTERM in <d> s"])
    }

    @Test func aMissingOrNonExecutableHookNamesKeyAndPath() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let missing = temp.file("missing.sh")
        let plain = try temp.script("plain.sh", "exit 0", mode: 0o644)
        let runner = makeRunner(temp, hooks: [.action(.stop): missing, .action(.suspend): plain])

        let first = await #expect(throws: HookError.self) {
            try await runner.run(.action(.stop, sessionState: "connected"))
        }
        #expect(first?.description == "hook \(missing) for action stop on state connected cannot run: no such file; "
            + "fix the file or the setting vma.on_action.stop\n")
        let second = await #expect(throws: HookError.self) {
            try await runner.run(.action(.suspend, sessionState: "connected"))
        }
        #expect(second?.description == "hook \(plain) for action suspend on state connected cannot run: "
            + "not executable (set its execute bits, e.g. chmod 755); fix the file or the setting vma.on_action.suspend\n")

        #expect(Set(runner.validate()) == [
            .hookNotRunnable(configurationKey: "vma.on_action.stop", path: missing, problem: .missing),
            .hookNotRunnable(configurationKey: "vma.on_action.suspend", path: plain, problem: .notExecutable),
        ])
        #expect(runner.validate().map(\.description).sorted() == [
            "hook vma.on_action.stop = \(missing) cannot run: no such file; every vma.on_action.stop call will fail until it is fixed",
            "hook vma.on_action.suspend = \(plain) cannot run: not executable (set its execute bits, e.g. chmod 755); "
                + "every vma.on_action.suspend call will fail until it is fixed",
        ])
    }

    @Test func aHookWhoseInterpreterIsMissingFailsToStart() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let hook = temp.file("bad-interpreter")
        try "#!/nonexistent/interpreter\nexit 0\n".write(toFile: hook, atomically: false, encoding: .utf8)
        chmod(hook, 0o755)
        let runner = makeRunner(temp, hooks: [.action(.poweroff): hook])
        #expect(runner.validate().isEmpty)
        let error = await #expect(throws: HookError.self) {
            try await runner.run(.action(.poweroff, sessionState: "stopped"))
        }
        let description = try #require(error?.description)
        #expect(description.hasPrefix("hook \(hook) for action poweroff on state stopped could not be started: cannot run '\(hook)'"))
        #expect(description.hasSuffix("\n"))
    }

    @Test func noHookMeansNothingRunsAndNothingIsLogged() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let runner = makeRunner(temp, hooks: [.action(.connect): ""])
        #expect(!runner.isConfigured(.action(.connect)))
        let records = try await runner.run(.action(.connect, sessionState: "starting"))
        #expect(records.isEmpty)
        #expect(temp.read("qvd-hooks.log") == "")
        #expect(runner.validate().isEmpty)
    }

    @Test func theDotDFolderRunsAfterTheHookInNameOrderSkippingTheRest() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let order = temp.file("order")
        func appender(_ name: String) -> String { "echo \(name) \"$#\" \"$2\" >> \(order)" }
        let configured = try temp.script("configured", appender("configured"))
        let folder = try temp.makeDirectory("hooks/vma.on_provisioning.add_user.d")
        try temp.script("hooks/vma.on_provisioning.add_user.d/20-b", appender("20-b"))
        try temp.script("hooks/vma.on_provisioning.add_user.d/10-a", appender("10-a"))
        try temp.script("hooks/vma.on_provisioning.add_user.d/15-plain", appender("15-plain"), mode: 0o644)
        try temp.script("hooks/vma.on_provisioning.add_user.d/10-a~", appender("backup"))
        try temp.script("hooks/vma.on_provisioning.add_user.d/20-b.dpkg-old", appender("dpkg"))
        try temp.script("hooks/vma.on_provisioning.add_user.d/.hidden", appender("hidden"))
        let runner = makeRunner(temp, hooks: [.provisioning(.addUser): configured])

        #expect(runner.executables(for: .provisioning(.addUser)) == [configured, folder + "/10-a", folder + "/20-b"])
        let records = try await runner.run(.provisioning(.addUser, parameters: [HookParameter("qvd.vm.user.name", "u")]))

        #expect(records.map(\.path) == [configured, folder + "/10-a", folder + "/20-b"])
        #expect(temp.lines("order") == ["configured 4 u", "10-a 4 u", "20-b 4 u"])
        #expect(runner.validate() == [.directoryEntrySkipped(
            configurationKey: "vma.on_provisioning.add_user",
            entry: HookDirectory.SkippedEntry(path: folder + "/15-plain", reason: .notExecutable)
        )])
        #expect(runLines(inHooksLog: temp.read("qvd-hooks.log") ?? "").count == 3)
    }

    @Test func theFirstFailureInTheFolderStopsTheCall() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let order = temp.file("order")
        let folder = try temp.makeDirectory("hooks/vma.on_action.connect.d")
        try temp.script("hooks/vma.on_action.connect.d/10-fails", "echo 10 >> \(order)\nexit 4")
        try temp.script("hooks/vma.on_action.connect.d/20-never", "echo 20 >> \(order)")
        let runner = makeRunner(temp, hooks: [:])
        #expect(runner.isConfigured(.action(.connect)))

        let error = await #expect(throws: HookError.self) {
            try await runner.run(.action(.connect, sessionState: "starting"))
        }
        #expect(error?.description == "hook \(folder)/10-fails for action connect on state starting failed, rc: 4\n")
        #expect(temp.lines("order") == ["10"])
    }

    @Test func detachedHooksReturnAtOnceRunInOrderAndCanBeAwaited() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let states = temp.file("states")
        // Each hook sleeps 1.5 s: the three calls must return long before the first could
        // have finished (generous for a loaded machine), and waiting takes all three in turn.
        let hook = try temp.script("state", "sleep 1.5\necho \"$2\" >> \(states)")
        let runner = makeRunner(temp, hooks: [
            .state(.connected): hook, .state(.suspended): hook, .state(.stopped): hook,
        ])

        let started = ContinuousClock.now
        runner.runDetached(.state(.connected))
        runner.runDetached(.state(.suspended))
        runner.runDetached(.state(.stopped))
        #expect(ContinuousClock.now - started < .milliseconds(1000))
        #expect(!temp.exists("states"))

        await runner.waitForDetachedHooks()
        #expect(temp.lines("states") == ["connected", "suspended", "stopped"])
        #expect(ContinuousClock.now - started >= .milliseconds(4500))
    }

    @Test func aFailingDetachedHookIsOnlyLogged() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let hook = try temp.script("fails", "exit 3")
        let (logger, agentLog) = memoryLogger()
        let runner = makeRunner(temp, hooks: [.state(.suspended): hook], logger: logger)

        runner.runDetached(.state(.suspended))
        runner.runDetached(.state(.connected))  // not configured: nothing happens
        await runner.waitForDetachedHooks()

        let expected = "ERROR hook: vma.on_state.suspended \(hook) [qvd.hook.on_state suspended] exited with code 3 in <d> s"
        #expect(runLines(inHooksLog: temp.read("qvd-hooks.log") ?? "").map(maskingDuration) == [expected])
        #expect(agentLog.lines.count == 1)
        await runner.waitForDetachedHooks()  // nothing pending: returns at once
    }

    @Test(.enabled(if: getuid() == 0, "switching identity needs root"))
    func runsAsUpstreamsIdentity() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let credentials = try HookIdentity.credentials(user: "root", group: "nogroup")
        #expect(credentials == ChildProcessCredentials(userID: 0, groupID: 65534, supplementaryGroups: [65534]))
        let hook = try recorderScript(in: temp, name: "record")
        let runner = makeRunner(temp, hooks: [.state(.connected): hook], credentials: credentials)

        try await runner.run(.state(.connected))
        #expect(temp.lines("record.info").first == "id=uid=0(root) gid=65534(nogroup) groups=65534(nogroup)")
    }

    @Test func identityLookupErrorsNameTheSetting() {
        #expect(throws: HookIdentity.LookupError(what: "group", name: "no-such-group-qvd", configurationKey: "vma.as_group")) {
            try HookIdentity.credentials(user: "root", group: "no-such-group-qvd")
        }
        #expect(throws: HookIdentity.LookupError(what: "user", name: "no-such-user-qvd", configurationKey: "vma.as_user")) {
            try HookIdentity.credentials(user: "no-such-user-qvd", group: "0")
        }
        #expect((try? HookIdentity.credentials(user: "0", group: "0")) == ChildProcessCredentials(userID: 0, groupID: 0, supplementaryGroups: [0]))
    }

    @Test func settingsGiveTheHookTable() {
        let hooks = HookConfiguration.hooks(fromSettings: [
            "vma.on_action.pre-connect": "/a",
            "vma.on_state.disconnected": "/b",
            "vma.on_action.stop": "",
            "vma.on_action.pre_connect": "/ignored",
            "path.log": "/var/log/qvd",
        ])
        #expect(hooks == [.action(.preConnect): "/a", .state(.stopped): "/b"])
        #expect(HookConfiguration.hooksLogPath(logDirectory: "/var/log/qvd") == "/var/log/qvd/qvd-hooks.log")
        #expect(HookConfiguration.hooksLogPath(logDirectory: "/var/log/qvd/") == "/var/log/qvd/qvd-hooks.log")
    }

    @Test func anUnopenableHooksLogIsReportedAndOutputDiscarded() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let hook = try temp.script("ok", "echo hi")
        let runner = HookRunner(
            configuration: HookConfiguration(hooks: [.action(.stop): hook], directory: nil,
                                             hooksLogPath: temp.file("no-such-dir/qvd-hooks.log"),
                                             baseEnvironment: testBaseEnvironment),
            logger: memoryLogger().0
        )
        #expect(runner.validate() == [.hooksLogUnavailable(.parentDirectoryMissing(
            path: temp.file("no-such-dir/qvd-hooks.log"), directory: temp.file("no-such-dir")))])
        let records = try await runner.run(.action(.stop, sessionState: "connected"))
        #expect(records.map(\.succeeded) == [true])
    }
}

/// The first line a command prints.
func commandOutput(_ path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    process.waitUntilExit()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
