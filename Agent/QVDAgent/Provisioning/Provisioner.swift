import Logging
import QVDCore

/// Provisions the session's user on a fresh start (`upstream-vma.md` §5): mounts the home
/// drive when the home is missing, then adds the user when it is missing.
///
/// Home directory missing (§5.2):
/// 1. the `mount_home` hook when configured (authoritative); otherwise
/// 2. when `vma.user.home.drive` is non-empty and exists and the home root is on `/`'s
///    device (not mounted yet): if partition 1 does not exist (`<drive>1` or `<drive>p1`,
///    ``HomeDrivePartition``), `sfdisk <drive>` with `,\n` on stdin (one partition spanning
///    the disk) then `mkfs.<fs> <partition>`; then `mount <partition> <home root>`.
///    Each failure is a ``ProvisioningError/commandFailed(_:_:)``;
/// 3. otherwise the home stays on the root file system (the LXC case).
///
/// User missing (§5.3): the `add_user` hook then `after_add_user` when configured; otherwise
/// `groupadd [-g <gid>] <group>` (a failure only warns), then
/// `useradd -m -d <home> -g <group> -s <shell> [-G <groups>] [-u <uid>] <user>` (`-u` only
/// when non-zero), then `after_add_user`. If `useradd` or `after_add_user` fails, the user is
/// rolled back with `userdel -rf <user>` and the group with `groupdel`, and the error is
/// thrown.
///
/// Where we deliberately differ from upstream (same commands in the cases upstream was
/// recorded in, side experiment E):
/// * the rollback's `groupdel` removes the group *our* `groupadd` created (upstream runs
///   `groupdel <user>` whether or not it created that group, which can delete a pre-existing
///   group named like the user, or leave the created group behind when it is named otherwise);
/// * when the home directory existed before `useradd` (a persistent home drive), the rollback
///   runs `userdel -f` without `-r`, so a failed provisioning never deletes the user's files;
/// * when the partition device is missing, `partx -a <drive>` asks the kernel to add the
///   partitions it did not scan before anything is repartitioned (so a disk that already
///   holds a partition table is never wiped because the kernel did not parse it), and again
///   after `sfdisk` if the new partition does not appear;
/// * the rollback runs even if the task was cancelled (the session's `provisioning` timeout).
///
/// Commands run through an injectable ``ProvisioningCommandRunner`` and the system is examined
/// through a ``ProvisioningProbe``, so a plan can be tested without root.
public struct Provisioner: Sendable {
    public var configuration: ProvisioningConfiguration
    public var hooks: ProvisioningHooks
    public var runner: any ProvisioningCommandRunner
    public var probe: any ProvisioningProbe
    public var logger: Logger

    public init(
        configuration: ProvisioningConfiguration,
        hooks: ProvisioningHooks = .none,
        runner: any ProvisioningCommandRunner = ChildProcessCommandRunner(),
        probe: any ProvisioningProbe = SystemProvisioningProbe(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.hooks = hooks
        self.runner = runner
        self.probe = probe
        self.logger = logger
    }

    /// How often the partition device is looked for while waiting for it.
    static let partitionPollInterval = Duration.milliseconds(100)

    /// Provisions the home and the user of `parameters`.
    ///
    /// `onStart` is awaited once, before the first thing is done, only when something is
    /// missing: the VMA writes the `provisioning` state there (without state hooks, as
    /// upstream).
    public func provision(
        _ parameters: ProvisioningParameters,
        onStart: @Sendable () async -> Void = {}
    ) async throws(ProvisioningError) -> ProvisioningOutcome {
        var started = false
        var warnings: [String] = []

        let home: ProvisioningOutcome.Home
        if probe.isDirectory(parameters.home) {
            home = .existed
        } else {
            started = true
            await onStart()
            logger.info("home \(parameters.home) does not exist yet: provisioning it")
            if let hook = hooks.mountHome {
                try await run(hook, .mountHome)
                home = .mountedByHook
            } else {
                home = try await mountHomeDrive(homeRoot: parameters.homeRoot, warnings: &warnings)
            }
        }

        let userExists: Bool
        do {
            userExists = try probe.userExists(parameters.userName)
        } catch {
            throw .userLookupFailed(error)
        }
        let user: ProvisioningOutcome.User
        if userExists {
            user = .existed
        } else {
            if !started { await onStart() }
            logger.info("user \(parameters.userName) does not exist yet: provisioning it")
            if let addUser = hooks.addUser {
                try await run(addUser, .addUser)
                if let after = hooks.afterAddUser { try await run(after, .afterAddUser) }
                user = .addedByHook
            } else {
                try await addUserBuiltIn(parameters, warnings: &warnings)
                user = .added
            }
        }
        return ProvisioningOutcome(home: home, user: user, warnings: warnings)
    }

    // MARK: Home drive

    private func mountHomeDrive(homeRoot: String, warnings: inout [String]) async throws(ProvisioningError) -> ProvisioningOutcome.Home {
        let drive = configuration.homeDrive
        guard !drive.isEmpty else {
            logger.info("no home drive configured (\(ProvisioningConfiguration.Key.homeDrive)): homes stay on the root file system")
            return .onRootFilesystem(.noHomeDrive)
        }
        guard probe.exists(drive) else {
            logger.info("home drive \(drive) does not exist: homes stay on the root file system")
            return .onRootFilesystem(.homeDriveMissing(drive))
        }
        guard let rootDevice = probe.deviceID(of: "/"), let homeDevice = probe.deviceID(of: homeRoot) else {
            let warning = "cannot examine the home root \(homeRoot) (\(ProvisioningConfiguration.Key.homeRoot)): not mounting the home drive \(drive) on it"
            warn(warning, &warnings)
            return .onRootFilesystem(.homeRootUnavailable(homeRoot))
        }
        guard rootDevice == homeDevice else {
            logger.info("home root \(homeRoot) is already a separate file system: not mounting the home drive \(drive)")
            return .onRootFilesystem(.homeRootAlreadyMounted(homeRoot))
        }

        let candidates = HomeDrivePartition.candidates(for: drive)
        var partition = firstExisting(candidates)
        if partition == nil {
            await rescanPartitions(drive)
            partition = firstExisting(candidates)
        }
        var partitioned = false
        if partition == nil {
            logger.info("partitioning the home drive \(drive)")
            try await require(
                ProvisioningCommand(executable: configuration.partitionCommand, arguments: [drive], standardInput: ",\n"),
                .partitionHomeDrive
            )
            partition = await waitForPartition(candidates)
            if partition == nil {
                await rescanPartitions(drive)
                partition = await waitForPartition(candidates)
            }
            guard let created = partition else {
                throw .partitionNotFound(drive: drive, candidates: candidates)
            }
            logger.info("making a \(configuration.homeFilesystem) file system on \(created)")
            try await require(
                ProvisioningCommand(executable: configuration.makeFilesystemCommand, arguments: [created]),
                .makeHomeFilesystem
            )
            partitioned = true
        }
        guard let partition else { throw .partitionNotFound(drive: drive, candidates: candidates) }
        logger.info("mounting \(partition) on \(homeRoot)")
        try await require(
            ProvisioningCommand(executable: configuration.mountCommand, arguments: [partition, homeRoot]),
            .mountHomeDrive
        )
        return .mountedDrive(partition: partition, partitioned: partitioned)
    }

    private func firstExisting(_ candidates: [String]) -> String? {
        candidates.first { probe.exists($0) }
    }

    /// Looks for the partition now, then every ``partitionPollInterval`` until
    /// `configuration.partitionWait` has passed.
    private func waitForPartition(_ candidates: [String]) async -> String? {
        let polls = Int(configuration.partitionWait / Self.partitionPollInterval)
        for poll in 0...max(0, polls) {
            if let found = firstExisting(candidates) { return found }
            if poll < polls { await probe.pause(Self.partitionPollInterval) }
        }
        return nil
    }

    /// `partx -a <drive>`: adds the partitions of an existing table the kernel did not scan.
    /// Fails harmlessly on a blank disk, so its failure is only logged.
    private func rescanPartitions(_ drive: String) async {
        let command = ProvisioningCommand(executable: configuration.partitionRescanCommand, arguments: ["-a", drive])
        if let failure = await attempt(command) {
            logger.debug("\(failure) (no partition table for the kernel to add)")
        }
    }

    // MARK: User

    private func addUserBuiltIn(_ parameters: ProvisioningParameters, warnings: inout [String]) async throws(ProvisioningError) {
        let user = parameters.userName
        let group = parameters.groupName

        var groupArguments: [String] = []
        if let gid = parameters.groupID { groupArguments += ["-g", String(gid)] }
        groupArguments.append(group)
        var createdGroup = false
        if let failure = await attempt(ProvisioningCommand(executable: configuration.groupaddCommand, arguments: groupArguments)) {
            warn("provisioning of group '\(group)' failed: \(failure)", &warnings)
        } else {
            createdGroup = true
        }

        let homeExisted = probe.isDirectory(parameters.home)
        var userArguments = ["-m", "-d", parameters.home, "-g", group, "-s", configuration.userShell]
        if !parameters.supplementaryGroups.isEmpty { userArguments += ["-G", parameters.groupsArgument] }
        if let uid = parameters.userID, uid != 0 { userArguments += ["-u", String(uid)] }
        userArguments.append(user)

        do {
            try await require(ProvisioningCommand(executable: configuration.useraddCommand, arguments: userArguments), .addUser)
            if let after = hooks.afterAddUser { try await run(after, .afterAddUser) }
        } catch {
            let rollback = rollbackCommands(user: user, group: createdGroup ? group : nil, keepHome: homeExisted)
            logger.warning("provisioning of user '\(user)' failed, rolling back: \(error)")
            // Not cancelled with the caller: a half-made user must not stay behind.
            let failures = await Task { [self] in
                var failures: [ProvisioningCommandFailure] = []
                for command in rollback {
                    if let failure = await attempt(command) { failures.append(failure) }
                }
                return failures
            }.value
            for failure in failures { logger.warning("rollback step failed: \(failure)") }
            throw .userRolledBack(user: user, cause: error, rollbackFailures: failures)
        }
    }

    private func rollbackCommands(user: String, group: String?, keepHome: Bool) -> [ProvisioningCommand] {
        var commands = [ProvisioningCommand(executable: configuration.userdelCommand, arguments: [keepHome ? "-f" : "-rf", user])]
        if let group {
            commands.append(ProvisioningCommand(executable: configuration.groupdelCommand, arguments: [group]))
        }
        return commands
    }

    // MARK: Running

    /// Runs `command`; `nil` on success, the failure otherwise.
    private func attempt(_ command: ProvisioningCommand) async -> ProvisioningCommandFailure? {
        logger.debug("running \(command)")
        do {
            let result = try await runner.run(command)
            if result.succeeded { return nil }
            return ProvisioningCommandFailure(command: command, outcome: .ended(result.status, standardError: result.standardError))
        } catch {
            return ProvisioningCommandFailure(command: command, outcome: .notStarted(error))
        }
    }

    /// Runs `command` and throws if it fails.
    private func require(_ command: ProvisioningCommand, _ step: ProvisioningStep) async throws(ProvisioningError) {
        if let failure = await attempt(command) {
            throw .commandFailed(step, failure)
        }
    }

    private func run(_ hook: ProvisioningHooks.Hook, _ stage: ProvisioningHookStage) async throws(ProvisioningError) {
        logger.debug("running provisioning hook \(stage.configurationKey)")
        do {
            try await hook()
        } catch {
            throw .hookFailed(stage, message: String(describing: error))
        }
    }

    private func warn(_ message: String, _ warnings: inout [String]) {
        logger.warning("\(message)")
        warnings.append(message)
    }
}
