#if canImport(Glibc)
import Glibc
#endif
import Logging
import QVDCore
import Testing
@testable import QVDAgent

/// Provisioning with the real commands, as root: a throw-away user and group, and a
/// file-backed loop device as home drive. Everything is removed afterwards, also when a
/// check fails.
@Suite(.timeLimit(.minutes(2)))
struct ProvisioningIntegrationTests {
    static let isRoot = geteuid() == 0
    static let hasLoopDevices = access("/dev/loop-control", F_OK) == 0

    // MARK: Users

    @Test(.enabled(if: isRoot, "needs root to run groupadd/useradd"))
    func realUseraddCreatesTheUserWithHomeAndGroups() async throws {
        let user = ProvisioningTestSystem.uniqueName()
        let extraGroup = ProvisioningTestSystem.uniqueName()
        let directory = try ProvisioningTestSystem.makeTemporaryDirectory()
        let homeRoot = directory + "/home"
        #expect(mkdir(homeRoot, 0o755) == 0)

        try await ProvisioningTestSystem.withCleanup {
            #expect(try await ProvisioningTestSystem.run(["groupadd", extraGroup]).status == .exited(0))
            let configuration = ProvisioningConfiguration(defaultUserGroups: extraGroup, homeRoot: homeRoot, homeDrive: "")
            let parameters = try ProvisioningParameters(parameters: ["qvd.vm.user.name": user], configuration: configuration)
            let outcome = try await Provisioner(configuration: configuration, logger: .provisioningTestSilent).provision(parameters)
            #expect(outcome == ProvisioningOutcome(home: .onRootFilesystem(.noHomeDrive), user: .added))

            let passwd = try await ProvisioningTestSystem.run(["getent", "passwd", user])
            let fields = passwd.output.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            #expect(fields.count == 7)
            #expect(fields.first == user)
            #expect(fields.dropFirst(5).first == "\(homeRoot)/\(user)")
            #expect(fields.last == "/bin/bash")

            let account = try UserAccount.lookup(name: user)
            var info = stat()
            #expect(stat("\(homeRoot)/\(user)", &info) == 0)
            #expect(info.st_mode & S_IFMT == S_IFDIR)
            #expect(info.st_uid == account.userID)
            #expect(info.st_gid == account.groupID)

            let group = try await ProvisioningTestSystem.run(["getent", "group", user])
            #expect(group.output.hasPrefix("\(user):x:\(account.groupID):"))
            let extra = try await ProvisioningTestSystem.run(["getent", "group", extraGroup])
            let extraID = try #require(extra.output.split(separator: ":", omittingEmptySubsequences: false).dropFirst(2).first.flatMap { gid_t($0) })
            #expect(extra.output == "\(extraGroup):x:\(extraID):\(user)")

            // The session identity gets initgroups' list: the own group plus the extra one.
            let identity = try SessionIdentity.lookup(userName: user)
            #expect(identity.groups.sorted() == [account.groupID, extraID].sorted())
            #expect(identity.homeDirectory == "\(homeRoot)/\(user)")
            #expect(identity.shell == "/bin/bash")
            #expect(identity.workingDirectory == identity.homeDirectory)
        } cleanup: {
            _ = try? await ProvisioningTestSystem.run(["userdel", "-rf", user])
            _ = try? await ProvisioningTestSystem.run(["groupdel", user])
            _ = try? await ProvisioningTestSystem.run(["groupdel", extraGroup])
            ProvisioningTestSystem.removeTree(directory)
        }
        #expect(try await ProvisioningTestSystem.run(["getent", "passwd", user]).status == .exited(2))
    }

    /// Side experiment E1 with the real commands: a missing supplementary group makes useradd
    /// fail; the rollback leaves neither user nor group behind.
    @Test(.enabled(if: isRoot, "needs root to run groupadd/useradd"))
    func realUseraddFailureIsRolledBack() async throws {
        let user = ProvisioningTestSystem.uniqueName()
        let missingGroup = ProvisioningTestSystem.uniqueName()
        let directory = try ProvisioningTestSystem.makeTemporaryDirectory()
        let homeRoot = directory + "/home"
        #expect(mkdir(homeRoot, 0o755) == 0)

        try await ProvisioningTestSystem.withCleanup {
            let configuration = ProvisioningConfiguration(homeRoot: homeRoot, homeDrive: "")
            let parameters = try ProvisioningParameters(
                parameters: ["qvd.vm.user.name": user, "qvd.vm.user.groups": missingGroup], configuration: configuration)
            do {
                _ = try await Provisioner(configuration: configuration, logger: .provisioningTestSilent).provision(parameters)
                Issue.record("useradd with a missing group succeeded")
            } catch let error as ProvisioningError {
                guard case .userRolledBack(let rolledBack, .commandFailed(.addUser, let failure), let rollback) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(rolledBack == user)
                #expect(failure.status == .exited(6))
                #expect(failure.description.hasSuffix("useradd: group '\(missingGroup)' does not exist"))
                // userdel finds no user (exit 6); groupdel removes the group groupadd made.
                #expect(rollback.map(\.command.argv) == [["/usr/sbin/userdel", "-rf", user]])
            }
            #expect(try await ProvisioningTestSystem.run(["getent", "passwd", user]).status == .exited(2))
            #expect(try await ProvisioningTestSystem.run(["getent", "group", user]).status == .exited(2))
            #expect(access("\(homeRoot)/\(user)", F_OK) != 0)
        } cleanup: {
            _ = try? await ProvisioningTestSystem.run(["userdel", "-rf", user])
            _ = try? await ProvisioningTestSystem.run(["groupdel", user])
            ProvisioningTestSystem.removeTree(directory)
        }
    }

    // MARK: Home drive

    @Test(.enabled(if: isRoot, "needs root for losetup, sfdisk, mkfs and mount"),
          .enabled(if: hasLoopDevices, "no loop devices on this machine (/dev/loop-control is missing)"))
    func realLoopDeviceIsPartitionedFormattedAndMounted() async throws {
        let directory = try ProvisioningTestSystem.makeTemporaryDirectory()
        let image = directory + "/home-drive.img"
        let homeRoot = directory + "/home"
        #expect(mkdir(homeRoot, 0o755) == 0)
        var loopDevice: String?

        try await ProvisioningTestSystem.withCleanup {
            let descriptor = open(image, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
            try #require(descriptor >= 0)
            #expect(ftruncate(descriptor, 64 * 1024 * 1024) == 0)
            close(descriptor)
            let attach = try await ProvisioningTestSystem.run(["losetup", "--find", "--show", "--partscan", image])
            try #require(attach.status == .exited(0), "losetup failed: \(attach.output)")
            let drive = attach.output
            loopDevice = drive

            let configuration = ProvisioningConfiguration(homeRoot: homeRoot, homeDrive: drive, partitionWait: .seconds(1))
            // `root` exists, so only the home is provisioned.
            let parameters = try ProvisioningParameters(parameters: ["qvd.vm.user.name": "root"], configuration: configuration)
            let provisioner = Provisioner(
                configuration: configuration,
                probe: RootDeviceProbe(rootStandIn: directory),
                logger: .provisioningTestSilent
            )
            let outcome = try await provisioner.provision(parameters)
            #expect(outcome == ProvisioningOutcome(home: .mountedDrive(partition: drive + "p1", partitioned: true), user: .existed))

            let mounted = try await ProvisioningTestSystem.run(["findmnt", "-n", "-o", "SOURCE,FSTYPE", "--mountpoint", homeRoot])
            #expect(mounted.output.split(separator: " ", omittingEmptySubsequences: true).map(String.init) == [drive + "p1", "ext4"])

            // A second start finds the home root mounted and does nothing to the drive.
            let again = try await provisioner.provision(parameters)
            #expect(again.home == .onRootFilesystem(.homeRootAlreadyMounted(homeRoot)))
        } cleanup: {
            _ = try? await ProvisioningTestSystem.run(["umount", homeRoot])
            if let loopDevice { _ = try? await ProvisioningTestSystem.run(["losetup", "-d", loopDevice]) }
            ProvisioningTestSystem.removeTree(directory)
        }
        if let loopDevice {
            let list = try await ProvisioningTestSystem.run(["losetup", "--list", "--noheadings", "-O", "BACK-FILE", loopDevice])
            #expect(!list.output.contains(image))
        }
        #expect(access(directory, F_OK) != 0)
    }

    // MARK: The real runner

    @Test func realRunnerFeedsStdinAndReturnsStatusAndStderr() async throws {
        let runner = ChildProcessCommandRunner()
        let result = try await runner.run(ProvisioningCommand(
            executable: "/bin/sh", arguments: ["-c", "cat >&2; echo out; exit 3"], standardInput: ",\nsecond\n"))
        #expect(result == ProvisioningCommandResult(status: .exited(3), standardError: ",\nsecond"))
        #expect(!result.succeeded)
        // Only PATH and LC_ALL reach the command (the shell adds PWD, SHLVL and `_` itself).
        let environment = try await runner.run(ProvisioningCommand(executable: "sh", arguments: ["-c", "env >&2"]))
        let variables = environment.standardError.split(separator: "\n").map(String.init)
            .filter { !$0.hasPrefix("PWD=") && !$0.hasPrefix("SHLVL=") && !$0.hasPrefix("_=") }
        #expect(variables.sorted() == ["LC_ALL=C", "PATH=\(ChildProcessEnvironment.defaultPath)"])
        do {
            _ = try await runner.run(ProvisioningCommand(executable: "/nonexistent/mkfs.qvd", arguments: []))
            Issue.record("a missing executable ran")
        } catch {
            #expect(error.kind == .executableNotFound(searched: []))
            #expect(error.executable == "/nonexistent/mkfs.qvd")
        }
    }
}
