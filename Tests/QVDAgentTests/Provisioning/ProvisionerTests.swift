import QVDCore
import Testing
@testable import QVDAgent

struct ProvisionerTests {
    /// No home drive, so only the user part runs unless a test sets one.
    static func configuration(homeDrive: String = "") -> ProvisioningConfiguration {
        ProvisioningConfiguration(homeDrive: homeDrive, partitionWait: .zero)
    }

    static func parameters(_ values: [String: String] = ["qvd.vm.user.name": "qvdtest"]) throws -> ProvisioningParameters {
        try ProvisioningParameters(parameters: values, configuration: configuration())
    }

    func provisioner(
        _ runner: RecordingCommandRunner, _ probe: FakeProvisioningProbe,
        hooks: ProvisioningHooks = .none, configuration: ProvisioningConfiguration = configuration()
    ) -> Provisioner {
        Provisioner(configuration: configuration, hooks: hooks, runner: runner, probe: probe, logger: .provisioningTestSilent)
    }

    // MARK: Nothing to do

    @Test func existingHomeAndUserRunNothingAndDoNotNotify() async throws {
        let runner = RecordingCommandRunner()
        let probe = FakeProvisioningProbe(directories: ["/home/qvdtest"], users: ["qvdtest"])
        let started = ProvisioningTestCounter()
        let outcome = try await provisioner(runner, probe).provision(try Self.parameters()) { started.increment() }
        #expect(outcome == ProvisioningOutcome(home: .existed, user: .existed))
        #expect(!outcome.provisioned)
        #expect(runner.argvs.isEmpty)
        #expect(started.value == 0)
    }

    // MARK: Built-in user creation

    /// Side experiment E2: `groupadd <user>`, then
    /// `useradd -m -d … -g <user> -s /bin/bash -G qvduser <user>`.
    @Test func freshUserRunsGroupaddThenUseraddAsUpstream() async throws {
        let runner = RecordingCommandRunner()
        let probe = FakeProvisioningProbe(directories: ["/home/qvdtest"])
        let started = ProvisioningTestCounter()
        let outcome = try await provisioner(runner, probe).provision(try Self.parameters()) { started.increment() }
        #expect(runner.argvs == [
            ["/usr/sbin/groupadd", "qvdtest"],
            ["/usr/sbin/useradd", "-m", "-d", "/home/qvdtest", "-g", "qvdtest", "-s", "/bin/bash", "-G", "qvduser", "qvdtest"],
        ])
        #expect(outcome == ProvisioningOutcome(home: .existed, user: .added))
        #expect(started.value == 1)
        #expect(runner.commands.allSatisfy { $0.standardInput == nil })
    }

    @Test func uidGidGroupAndGroupsReachTheCommands() async throws {
        let runner = RecordingCommandRunner()
        let probe = FakeProvisioningProbe()
        let parameters = try Self.parameters([
            "qvd.vm.user.name": "alice", "qvd.vm.user.uid": "2001", "qvd.vm.user.gid": "3001",
            "qvd.vm.user.group": "desk", "qvd.vm.user.groups": "audio, video",
        ])
        var configuration = Self.configuration()
        configuration.userShell = "/bin/zsh"
        configuration.groupaddCommand = "/sbin/groupadd"
        configuration.useraddCommand = "/sbin/useradd"
        _ = try await provisioner(runner, probe, configuration: configuration).provision(parameters)
        #expect(runner.argvs == [
            ["/sbin/groupadd", "-g", "3001", "desk"],
            ["/sbin/useradd", "-m", "-d", "/home/alice", "-g", "desk", "-s", "/bin/zsh", "-G", "audio,video", "-u", "2001", "alice"],
        ])
    }

    @Test func noGroupsMeansNoDashGAndUidZeroMeansNoDashU() async throws {
        let runner = RecordingCommandRunner()
        let parameters = try Self.parameters(["qvd.vm.user.name": "bob", "qvd.vm.user.groups": "", "qvd.vm.user.uid": "0"])
        _ = try await provisioner(runner, FakeProvisioningProbe()).provision(parameters)
        #expect(runner.argvs == [
            ["/usr/sbin/groupadd", "bob"],
            ["/usr/sbin/useradd", "-m", "-d", "/home/bob", "-g", "bob", "-s", "/bin/bash", "bob"],
        ])
    }

    @Test func groupaddFailureOnlyWarns() async throws {
        let runner = RecordingCommandRunner { command in
            command.argv.first == "/usr/sbin/groupadd"
                ? .exited(9, standardError: "groupadd: group 'qvdtest' already exists") : .success
        }
        let outcome = try await provisioner(runner, FakeProvisioningProbe()).provision(try Self.parameters())
        #expect(outcome.user == .added)
        #expect(outcome.warnings == [
            "provisioning of group 'qvdtest' failed: '/usr/sbin/groupadd qvdtest' exited with code 9: groupadd: group 'qvdtest' already exists",
        ])
        #expect(runner.argvs.count == 2)
    }

    /// Side experiment E1: useradd fails (group qvduser missing); rollback is
    /// `userdel -rf <user>` (which fails: no such user), then `groupdel <user>`.
    @Test func useraddFailureRollsBackAndThrows() async throws {
        let runner = RecordingCommandRunner { command in
            switch command.argv.first {
            case "/usr/sbin/useradd": return .exited(6, standardError: "useradd: group 'qvduser' does not exist")
            case "/usr/sbin/userdel": return .exited(6, standardError: "userdel: user 'qvdtest' does not exist")
            default: return .success
            }
        }
        let useradd = ProvisioningCommand(
            executable: "/usr/sbin/useradd",
            arguments: ["-m", "-d", "/home/qvdtest", "-g", "qvdtest", "-s", "/bin/bash", "-G", "qvduser", "qvdtest"]
        )
        let userdel = ProvisioningCommand(executable: "/usr/sbin/userdel", arguments: ["-rf", "qvdtest"])
        let expected = ProvisioningError.userRolledBack(
            user: "qvdtest",
            cause: .commandFailed(.addUser, ProvisioningCommandFailure(
                command: useradd, outcome: .ended(.exited(6), standardError: "useradd: group 'qvduser' does not exist"))),
            rollbackFailures: [ProvisioningCommandFailure(
                command: userdel, outcome: .ended(.exited(6), standardError: "userdel: user 'qvdtest' does not exist"))]
        )
        await #expect(throws: expected) {
            try await provisioner(runner, FakeProvisioningProbe()).provision(try Self.parameters())
        }
        #expect(runner.argvs == [
            ["/usr/sbin/groupadd", "qvdtest"],
            useradd.argv,
            ["/usr/sbin/userdel", "-rf", "qvdtest"],
            ["/usr/sbin/groupdel", "qvdtest"],
        ])
        #expect(expected.description == "provisioning of user 'qvdtest' failed and was rolled back: cannot add the user: '/usr/sbin/useradd -m -d /home/qvdtest -g qvdtest -s /bin/bash -G qvduser qvdtest' exited with code 6: useradd: group 'qvduser' does not exist; rollback steps that failed: '/usr/sbin/userdel -rf qvdtest' exited with code 6: userdel: user 'qvdtest' does not exist")
    }

    /// Ours: the rollback removes only a group our groupadd created, and keeps a home that
    /// existed before useradd.
    @Test func rollbackKeepsAPreExistingGroupAndHome() async throws {
        let runner = RecordingCommandRunner { command in
            switch command.argv.first {
            case "/usr/sbin/groupadd": return .exited(9, standardError: "groupadd: group 'desk' already exists")
            case "/usr/sbin/useradd": return .exited(4, standardError: "useradd: UID 2001 is not unique")
            default: return .success
            }
        }
        let probe = FakeProvisioningProbe(directories: ["/home/alice"])
        let parameters = try Self.parameters(["qvd.vm.user.name": "alice", "qvd.vm.user.group": "desk", "qvd.vm.user.uid": "2001"])
        await #expect(throws: ProvisioningError.self) {
            try await provisioner(runner, probe).provision(parameters)
        }
        #expect(runner.argvs == [
            ["/usr/sbin/groupadd", "desk"],
            ["/usr/sbin/useradd", "-m", "-d", "/home/alice", "-g", "desk", "-s", "/bin/bash", "-G", "qvduser", "-u", "2001", "alice"],
            ["/usr/sbin/userdel", "-f", "alice"],
        ])
    }

    @Test func afterAddUserRunsAfterUseraddAndItsFailureRollsBack() async throws {
        let hooks = HookRecorder()
        let runner = RecordingCommandRunner { command in
            hooks.record(command.argv[0])
            return .success
        }
        let failing = ProvisioningHooks(afterAddUser: hooks.hook("after_add_user", failWith: "hook /etc/qvd/after failed, rc: 3"))
        await #expect(throws: ProvisioningError.userRolledBack(
            user: "qvdtest", cause: .hookFailed(.afterAddUser, message: "hook /etc/qvd/after failed, rc: 3"), rollbackFailures: []
        )) {
            try await provisioner(runner, FakeProvisioningProbe(), hooks: failing).provision(try Self.parameters())
        }
        #expect(hooks.names == ["/usr/sbin/groupadd", "/usr/sbin/useradd", "after_add_user", "/usr/sbin/userdel", "/usr/sbin/groupdel"])
        #expect(runner.argvs.suffix(2) == [["/usr/sbin/userdel", "-rf", "qvdtest"], ["/usr/sbin/groupdel", "qvdtest"]])
    }

    @Test func aCommandThatCannotStartIsAFailure() async throws {
        struct Missing: ProvisioningCommandRunner {
            func run(_ command: ProvisioningCommand) async throws(ChildProcessError) -> ProvisioningCommandResult {
                throw ChildProcessError(executable: command.executable, kind: .executableNotFound(searched: []))
            }
        }
        let provisioner = Provisioner(
            configuration: Self.configuration(), runner: Missing(), probe: FakeProvisioningProbe(), logger: .provisioningTestSilent)
        let parameters = try Self.parameters()
        do {
            _ = try await provisioner.provision(parameters)
            Issue.record("provisioning succeeded without commands")
        } catch {
            guard case .userRolledBack(_, .commandFailed(.addUser, let failure), let rollback) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(failure.outcome == .notStarted(ChildProcessError(executable: "/usr/sbin/useradd", kind: .executableNotFound(searched: []))))
            #expect(failure.status == nil)
            #expect(rollback.map(\.command.executable) == ["/usr/sbin/userdel"])
            #expect(failure.description.hasPrefix("'/usr/sbin/useradd -m -d /home/qvdtest -g qvdtest -s /bin/bash -G qvduser qvdtest' could not be started: cannot run '/usr/sbin/useradd': no such file"))
        }
    }

    // MARK: Hooks replacing the built-ins

    @Test func addUserHookReplacesUseraddAndAfterAddUserFollows() async throws {
        let hooks = HookRecorder()
        let runner = RecordingCommandRunner()
        let configured = ProvisioningHooks(addUser: hooks.hook("add_user"), afterAddUser: hooks.hook("after_add_user"))
        let outcome = try await provisioner(runner, FakeProvisioningProbe(directories: ["/home/qvdtest"]), hooks: configured)
            .provision(try Self.parameters())
        #expect(outcome == ProvisioningOutcome(home: .existed, user: .addedByHook))
        #expect(hooks.names == ["add_user", "after_add_user"])
        #expect(runner.argvs.isEmpty)
    }

    @Test func addUserHookFailureStopsWithoutRollback() async throws {
        let hooks = HookRecorder()
        let runner = RecordingCommandRunner()
        let configured = ProvisioningHooks(addUser: hooks.hook("add_user", failWith: "rc: 1"), afterAddUser: hooks.hook("after_add_user"))
        await #expect(throws: ProvisioningError.hookFailed(.addUser, message: "rc: 1")) {
            try await provisioner(runner, FakeProvisioningProbe(directories: ["/home/qvdtest"]), hooks: configured)
                .provision(try Self.parameters())
        }
        #expect(hooks.names == ["add_user"])
        #expect(runner.argvs.isEmpty)
        #expect(ProvisioningError.hookFailed(.addUser, message: "rc: 1").description == "provisioning hook vma.on_provisioning.add_user failed: rc: 1")
    }

    /// Transcript step S36: mount_home, add_user, after_add_user in that order, each once.
    @Test func mountHomeHookIsAuthoritative() async throws {
        let hooks = HookRecorder()
        let runner = RecordingCommandRunner()
        let probe = FakeProvisioningProbe(paths: ["/dev/vdb"], devices: ["/": 1, "/home": 1])
        let configured = ProvisioningHooks(
            mountHome: hooks.hook("mount_home"), addUser: hooks.hook("add_user"), afterAddUser: hooks.hook("after_add_user"))
        let started = ProvisioningTestCounter()
        let outcome = try await provisioner(runner, probe, hooks: configured, configuration: Self.configuration(homeDrive: "/dev/vdb"))
            .provision(try Self.parameters()) { started.increment() }
        #expect(outcome == ProvisioningOutcome(home: .mountedByHook, user: .addedByHook))
        #expect(hooks.names == ["mount_home", "add_user", "after_add_user"])
        #expect(runner.argvs.isEmpty)
        #expect(started.value == 1)
    }

    @Test func mountHomeHookFailureAbortsBeforeTheUser() async throws {
        let hooks = HookRecorder()
        let configured = ProvisioningHooks(mountHome: hooks.hook("mount_home", failWith: "no disk"), addUser: hooks.hook("add_user"))
        await #expect(throws: ProvisioningError.hookFailed(.mountHome, message: "no disk")) {
            try await provisioner(RecordingCommandRunner(), FakeProvisioningProbe(), hooks: configured).provision(try Self.parameters())
        }
        #expect(hooks.names == ["mount_home"])
    }

    // MARK: Built-in home drive

    @Test func blankDriveIsPartitionedFormattedAndMounted() async throws {
        let probe = FakeProvisioningProbe(directories: ["/home"], paths: ["/dev/vdb"], devices: ["/": 1, "/home": 1], users: ["qvdtest"])
        let runner = RecordingCommandRunner { command in
            switch command.argv.first {
            case "partx": return .exited(1, standardError: "partx: /dev/vdb: failed to read partition table")
            case "sfdisk": probe.update { $0.paths.insert("/dev/vdb1") }; return .success
            default: return .success
            }
        }
        let outcome = try await provisioner(runner, probe, configuration: Self.configuration(homeDrive: "/dev/vdb"))
            .provision(try Self.parameters())
        #expect(runner.argvs == [
            ["partx", "-a", "/dev/vdb"],
            ["sfdisk", "/dev/vdb"],
            ["mkfs.ext4", "/dev/vdb1"],
            ["mount", "/dev/vdb1", "/home"],
        ])
        #expect(runner.commands[1].standardInput == ",\n")
        #expect(outcome == ProvisioningOutcome(home: .mountedDrive(partition: "/dev/vdb1", partitioned: true), user: .existed))
        #expect(outcome.warnings == [])
    }

    @Test func existingPartitionIsOnlyMounted() async throws {
        let probe = FakeProvisioningProbe(paths: ["/dev/vdb", "/dev/vdb1"], devices: ["/": 7, "/srv/homes": 7], users: ["qvdtest"])
        let runner = RecordingCommandRunner()
        var configuration = Self.configuration(homeDrive: "/dev/vdb")
        configuration.homeRoot = "/srv/homes"
        configuration.mountCommand = "/bin/mount"
        let parameters = try ProvisioningParameters(parameters: ["qvd.vm.user.name": "qvdtest"], configuration: configuration)
        let outcome = try await provisioner(runner, probe, configuration: configuration).provision(parameters)
        #expect(runner.argvs == [["/bin/mount", "/dev/vdb1", "/srv/homes"]])
        #expect(outcome.home == .mountedDrive(partition: "/dev/vdb1", partitioned: false))
    }

    /// A table the kernel did not scan: partx adds the partition, nothing is repartitioned.
    @Test func partxRevealsAnExistingPartitionBeforeAnyRepartitioning() async throws {
        let probe = FakeProvisioningProbe(paths: ["/dev/vdb"], devices: ["/": 1, "/home": 1], users: ["qvdtest"])
        let runner = RecordingCommandRunner { command in
            if command.argv.first == "partx" { probe.update { $0.paths.insert("/dev/vdb1") } }
            return .success
        }
        let outcome = try await provisioner(runner, probe, configuration: Self.configuration(homeDrive: "/dev/vdb"))
            .provision(try Self.parameters())
        #expect(runner.argvs == [["partx", "-a", "/dev/vdb"], ["mount", "/dev/vdb1", "/home"]])
        #expect(outcome.home == .mountedDrive(partition: "/dev/vdb1", partitioned: false))
    }

    /// Loop devices name partitions with a `p`; a partition that shows up only after
    /// `partx -a` (the kernel could not parse the new table) is still found.
    @Test func loopDrivePartitionIsNamedWithPAndFoundAfterPartx() async throws {
        let probe = FakeProvisioningProbe(paths: ["/dev/loop3"], devices: ["/": 1, "/home": 1], users: ["qvdtest"])
        let partxRuns = ProvisioningTestCounter()
        let runner = RecordingCommandRunner { command in
            if command.argv.first == "partx" {
                let run = partxRuns.increment()
                if run == 2 { probe.update { $0.paths.insert("/dev/loop3p1") } }
            }
            return .success
        }
        var configuration = Self.configuration(homeDrive: "/dev/loop3")
        configuration.partitionWait = .milliseconds(300)
        let outcome = try await provisioner(runner, probe, configuration: configuration).provision(try Self.parameters())
        #expect(runner.argvs == [
            ["partx", "-a", "/dev/loop3"],
            ["sfdisk", "/dev/loop3"],
            ["partx", "-a", "/dev/loop3"],
            ["mkfs.ext4", "/dev/loop3p1"],
            ["mount", "/dev/loop3p1", "/home"],
        ])
        #expect(outcome.home == .mountedDrive(partition: "/dev/loop3p1", partitioned: true))
        // Three pauses while waiting after sfdisk, none after partx found it at once.
        #expect(probe.pauses == 3)
    }

    @Test func noPartitionAfterSfdiskIsAnError() async throws {
        let probe = FakeProvisioningProbe(paths: ["/dev/vdb"], devices: ["/": 1, "/home": 1])
        let runner = RecordingCommandRunner()
        await #expect(throws: ProvisioningError.partitionNotFound(drive: "/dev/vdb", candidates: ["/dev/vdb1", "/dev/vdbp1"])) {
            try await provisioner(runner, probe, configuration: Self.configuration(homeDrive: "/dev/vdb")).provision(try Self.parameters())
        }
        #expect(runner.argvs == [["partx", "-a", "/dev/vdb"], ["sfdisk", "/dev/vdb"], ["partx", "-a", "/dev/vdb"]])
    }

    @Test func eachFailingDriveStepIsATypedErrorNamingCommandStatusAndStderr() async throws {
        let cases: [(failing: String, step: ProvisioningStep, argv: [String])] = [
            ("sfdisk", .partitionHomeDrive, ["sfdisk", "/dev/vdb"]),
            ("mkfs.ext4", .makeHomeFilesystem, ["mkfs.ext4", "/dev/vdb1"]),
            ("mount", .mountHomeDrive, ["mount", "/dev/vdb1", "/home"]),
        ]
        for (failing, step, argv) in cases {
            let probe = FakeProvisioningProbe(paths: ["/dev/vdb"], devices: ["/": 1, "/home": 1])
            let runner = RecordingCommandRunner { command in
                if command.argv.first == "sfdisk" { probe.update { $0.paths.insert("/dev/vdb1") } }
                if command.argv.first == "partx" { return .exited(1) }
                return command.argv.first == failing ? .exited(32, standardError: "\(failing): it broke") : .success
            }
            let stdin: String? = failing == "sfdisk" ? ",\n" : nil
            let error = ProvisioningError.commandFailed(step, ProvisioningCommandFailure(
                command: ProvisioningCommand(executable: argv[0], arguments: Array(argv.dropFirst()), standardInput: stdin),
                outcome: .ended(.exited(32), standardError: "\(failing): it broke")))
            await #expect(throws: error) {
                try await provisioner(runner, probe, configuration: Self.configuration(homeDrive: "/dev/vdb")).provision(try Self.parameters())
            }
            #expect(runner.argvs.last == argv)
        }
        let mountFailure = ProvisioningError.commandFailed(.mountHomeDrive, ProvisioningCommandFailure(
            command: ProvisioningCommand(executable: "mount", arguments: ["/dev/vdb1", "/home"]),
            outcome: .ended(.signalled(.kill), standardError: "")))
        #expect(mountFailure.description == "cannot mount the home drive: 'mount /dev/vdb1 /home' killed by SIGKILL (no error output)")
    }

    @Test func homeDriveIsSkippedWhenAbsentDisabledOrAlreadyMounted() async throws {
        let runner = RecordingCommandRunner()
        let users: Set<String> = ["qvdtest"]
        let parameters = try Self.parameters()

        var outcome = try await provisioner(runner, FakeProvisioningProbe(devices: ["/": 1, "/home": 1], users: users),
                                            configuration: Self.configuration(homeDrive: "")).provision(parameters)
        #expect(outcome.home == .onRootFilesystem(.noHomeDrive))

        outcome = try await provisioner(runner, FakeProvisioningProbe(devices: ["/": 1, "/home": 1], users: users),
                                        configuration: Self.configuration(homeDrive: "/dev/vdb")).provision(parameters)
        #expect(outcome.home == .onRootFilesystem(.homeDriveMissing("/dev/vdb")))

        outcome = try await provisioner(runner, FakeProvisioningProbe(paths: ["/dev/vdb"], devices: ["/": 1, "/home": 2], users: users),
                                        configuration: Self.configuration(homeDrive: "/dev/vdb")).provision(parameters)
        #expect(outcome.home == .onRootFilesystem(.homeRootAlreadyMounted("/home")))

        outcome = try await provisioner(runner, FakeProvisioningProbe(paths: ["/dev/vdb"], devices: ["/": 1], users: users),
                                        configuration: Self.configuration(homeDrive: "/dev/vdb")).provision(parameters)
        #expect(outcome.home == .onRootFilesystem(.homeRootUnavailable("/home")))
        #expect(outcome.warnings == ["cannot examine the home root /home (vma.user.home.path): not mounting the home drive /dev/vdb on it"])
        #expect(outcome.provisioned)
        #expect(runner.argvs.isEmpty)
    }

    @Test func homeThenUserNotifiesOnceBeforeTheFirstCommand() async throws {
        let events = HookRecorder()
        let probe = FakeProvisioningProbe(paths: ["/dev/vdb", "/dev/vdb1"], devices: ["/": 1, "/home": 1])
        let runner = RecordingCommandRunner { command in
            events.record(command.argv[0])
            return .success
        }
        let outcome = try await provisioner(runner, probe, configuration: Self.configuration(homeDrive: "/dev/vdb"))
            .provision(try Self.parameters()) { events.record("provisioning") }
        #expect(events.names == ["provisioning", "mount", "/usr/sbin/groupadd", "/usr/sbin/useradd"])
        #expect(outcome == ProvisioningOutcome(home: .mountedDrive(partition: "/dev/vdb1", partitioned: false), user: .added))
    }

    @Test func partitionCandidatesFollowTheKernelsNaming() {
        #expect(HomeDrivePartition.candidates(for: "/dev/vdb") == ["/dev/vdb1", "/dev/vdbp1"])
        #expect(HomeDrivePartition.candidates(for: "/dev/loop0") == ["/dev/loop0p1", "/dev/loop01"])
        #expect(HomeDrivePartition.candidates(for: "/dev/nvme0n1") == ["/dev/nvme0n1p1", "/dev/nvme0n11"])
    }

    @Test func commandDescriptionsQuoteOnlyWhatNeedsIt() {
        #expect(ProvisioningCommand(executable: "/usr/sbin/useradd", arguments: ["-d", "/home/a b", "it's", ""]).description
            == "/usr/sbin/useradd -d '/home/a b' 'it'\\''s' ''")
    }
}
