import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import QVDCore
import QVDHooks

/// The I/O shell around ``SessionStateMachine`` (STYLE.md §1): turns RPCs, nxagent's log
/// lines, child-process exits, hook results and the clock into events, and performs the
/// actions the machine returns — files, hooks, provisioning, xinit, signals, replies.
///
/// Everything that takes time runs in its own task and reports back with an event, so
/// the actor never waits on a child process and one slow hook never blocks `x_state`.
public actor SessionController {
    public let configuration: VMAConfiguration
    let hooks: HookRunner
    let store: SessionFileStore
    let logger: Logger
    let now: @Sendable () -> Date

    private var machine: SessionStateMachine
    private var waiting: [SessionRequestID: CheckedContinuation<SessionReply, Never>] = [:]
    private var nextRequest: UInt64 = 1
    private var launcher: ChildProcessHandle?
    private var launchStep: Task<Void, Never>?
    private var agentWatch: Task<Void, Never>?
    private var follower: NXAgentLogFollower?
    private var ticker: Task<Void, Never>?
    /// The home of the session's user, for unmounting shares.
    private var sessionHome: String?

    public init(configuration: VMAConfiguration, hooks: HookRunner, logger: Logger,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.hooks = hooks
        self.store = SessionFileStore(files: configuration.files)
        self.logger = logger
        self.now = now
        self.machine = SessionStateMachine(configuration: configuration.session)
    }

    /// `${path.log}/qvd-nxagent.log` (`upstream-vma.md` §2.1).
    public var nxagentLogPath: String { configuration.logDirectory + "/qvd-nxagent.log" }

    // MARK: Start-up and shutdown

    /// Prepares the run directory and re-adopts a session left by a previous agent
    /// (spec README, deliberate difference 1): a live nxagent named in `nxagent.pid` keeps
    /// running and its log is followed again; stale files are removed.
    public func start() throws(SessionFileError) {
        try store.prepareRunDirectory()
        let (adopted, actions) = SessionStateMachine.adopting(
            stateFileContents: store.readStateFile(), pidFileContents: store.readPIDFile(),
            configuration: configuration.session, now: now(), isAgentAlive: Self.isNXAgent(pid:))
        machine = adopted
        if let pid = machine.agentPID {
            logger.info("re-adopting the running session", metadata: ["pid": "\(pid)", "state": "\(machine.nxState.rawValue)"])
            follower = NXAgentLogFollower(path: nxagentLogPath, offset: NXAgentLogFollower.currentSize(of: nxagentLogPath)) { line in
                await self.outputLine(line)
            }
            watchAgent(pid: pid)
        }
        perform(actions)
        startTicker()
    }

    /// Stops watching; the session itself keeps running (issue 3: SIGTERM leaves it).
    public func shutdown() async {
        ticker?.cancel()
        follower?.stop()
        agentWatch?.cancel()
        for (_, continuation) in waiting { continuation.resume(returning: .failure("the agent is shutting down")) }
        waiting.removeAll()
        await hooks.waitForDetachedHooks()
    }

    /// Whether `pid` is alive and is an nxagent (so a recycled pid is never adopted).
    static func isNXAgent(pid: Int32) -> Bool {
        guard pid > 1, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe") else { return false }
        return (exe.split(separator: "/").last ?? "").hasPrefix("nxagent")
    }

    // MARK: Requests

    /// The state `x_state` reports, with timeouts applied (upstream-vma.md §2.3).
    public func xState() async -> SessionReply { await request { .xState($0) } }
    public func xSuspend() async -> SessionReply { await request { .xSuspend($0) } }
    public func xStop() async -> SessionReply { await request { .xStop($0) } }
    public func xStart(_ parameters: SessionParameters) async -> SessionReply { await request { .xStart($0, parameters) } }

    /// The reported state without side effects (vnc_connect, logs).
    public var reportedState: ReportedSessionState { machine.reportedState }

    private func request(_ make: (SessionRequestID) -> SessionEvent) async -> SessionReply {
        let id = SessionRequestID(nextRequest)
        nextRequest += 1
        let event = make(id)
        return await withCheckedContinuation { continuation in
            waiting[id] = continuation
            feed(event)
        }
    }

    // MARK: Events

    func feed(_ event: SessionEvent) {
        perform(machine.handle(event, at: now()))
    }

    private func outputLine(_ line: String) {
        perform(machine.handleOutputLine(line, at: now()))
    }

    private func startTicker() {
        ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                self.tickIfDue()
            }
        }
    }

    private func tickIfDue() {
        if let deadline = machine.nextDeadline(), deadline <= now() { feed(.tick) }
    }

    // MARK: Actions

    private func perform(_ actions: [SessionAction]) {
        for action in actions { perform(action) }
    }

    private func perform(_ action: SessionAction) {
        switch action {
        case .writeStateFile(let record):
            attempt { () throws(SessionFileError) in try store.writeState(record) }
        case .writePIDFile(let pid):
            attempt { () throws(SessionFileError) in try store.writePID(pid) }
            watchAgent(pid: pid)
        case .removeStateFiles:
            store.removeStateFiles()
            agentWatch?.cancel()
            agentWatch = nil
        case .writeOptionsFile(let contents):
            attempt { () throws(SessionFileError) in try store.writeOptions(contents) }
        case .prepareSession(let parameters):
            prepareSession(parameters)
        case .provisionUser(let parameters):
            provision(parameters)
        case .cancelLaunchStep:
            launchStep?.cancel()
        case .launchSession(let arguments, let parameters):
            launch(arguments: arguments, parameters: parameters)
        case .signalAgent(let pid, let signal):
            logger.info("signalling nxagent", metadata: ["pid": "\(pid)", "signal": "\(signal)"])
            if kill(pid, signal.signalNumber) != 0 {
                logger.warning("cannot signal nxagent", metadata: ["pid": "\(pid)", "errno": "\(errno)"])
            }
        case .signalLauncher(let signal):
            _ = try? launcher?.signal(ProcessSignal(rawValue: signal.signalNumber), to: .processGroup)
        case .runActionHook(let run):
            runActionHook(run)
        case .runStateHook(let state):
            hooks.runDetached(.state(state))
        case .reply(let id, let reply):
            waiting.removeValue(forKey: id)?.resume(returning: reply)
        case .unmountShares:
            if let home = sessionHome {
                SharesUnmounter(root: home + "/" + configuration.sharesPath, logger: logger).unmountAll()
            }
        case .stopAudio, .slaveChannelListening, .multimediaChannelListening:
            // Audio and USB forwarding are not part of this build (issue 3 lists neither).
            break
        case .log(let message):
            switch message.level {
            case .error: logger.error("\(message.text)")
            case .warning: logger.warning("\(message.text)")
            default: logger.info("\(message.text)")
            }
        }
    }

    private func attempt(_ body: () throws(SessionFileError) -> Void) {
        do { try body() } catch { logger.error("\(error)") }
    }

    /// Watches nxagent's pid so that a killed nxagent is `stopped` within a poll interval
    /// (issue 3 fault test: within 2 s of SIGKILL).
    private func watchAgent(pid: Int32) {
        agentWatch?.cancel()
        guard let process = AdoptedProcess(pid: pid) else {
            feed(.agentProcessGone)
            return
        }
        agentWatch = Task {
            let exited = await process.waitForExit(pollInterval: .milliseconds(200))
            if exited, !Task.isCancelled { self.agentGone(pid: pid) }
        }
    }

    private func agentGone(pid: Int32) {
        guard machine.agentPID == pid else { return }
        feed(.agentProcessGone)
    }

    private func prepareSession(_ parameters: SessionParameters) {
        let display = configuration.session.options.display
        if let key = parameters["qvd.slave.key"] {
            attempt { () throws(SessionFileError) in try store.writeSlaveKey(key) }
        }
        attempt { () throws(SessionFileError) in
            try store.writePrintingConfig(
                enabled: configuration.printingEnabled && ConfigValueParser.bool(parameters["qvd.client.printing.enabled"] ?? "") == true,
                printingPort: configuration.session.options.printingPort, slavePort: 11000 + display,
                clientOS: parameters["qvd.client.os"], flavor: parameters["qvd.client.printing.flavor"])
        }
        if let zone = parameters["qvd.client.timezone"], !zone.isEmpty {
            TimezoneSetter(logger: logger).set(zone)
        }
    }

    private func hookParameters(_ parameters: SessionParameters) -> [HookParameter] {
        parameters.parameters.map { HookParameter($0.key, $0.value) }
    }

    private func runActionHook(_ run: SessionHookRun) {
        let invocation = HookInvocation.action(run.hook, sessionState: run.sessionState.rawValue,
                                               parameters: hookParameters(run.parameters))
        let hooks = self.hooks
        if run.awaitsResult {
            Task {
                do {
                    _ = try await hooks.run(invocation)
                    self.feed(.hookFinished(run.id))
                } catch {
                    await self.feed(.hookFailed(run.id, message: "\(error)"))
                }
            }
        } else {
            Task { _ = try? await hooks.run(invocation) }
        }
    }

    private func provision(_ parameters: SessionParameters) {
        let hooks = self.hooks
        let hookParameters = hookParameters(parameters)
        func hook(_ step: HookEvent.ProvisioningStep) -> ProvisioningHooks.Hook? {
            guard hooks.isConfigured(.provisioning(step)) else { return nil }
            return { _ = try await hooks.run(.provisioning(step, parameters: hookParameters)) }
        }
        let provisioner = Provisioner(
            configuration: configuration.provisioning,
            hooks: ProvisioningHooks(mountHome: hook(.mountHome), addUser: hook(.addUser), afterAddUser: hook(.afterAddUser)),
            logger: logger)
        let provisioningConfiguration = configuration.provisioning
        launchStep = Task {
            do {
                let filled = try ProvisioningParameters(parameters: parameters.dictionary, configuration: provisioningConfiguration)
                _ = try await provisioner.provision(filled, onStart: { await self.feed(.provisioningStarted) })
                self.feed(.provisioningFinished)
            } catch {
                self.feed(.provisioningFailed(message: "\(error)"))
            }
        }
    }

    private func launch(arguments: [String], parameters: SessionParameters) {
        guard let executable = arguments.first else {
            feed(.launcherExited(status: nil))
            return
        }
        let userName = parameters["qvd.vm.user.name"] ?? configuration.provisioning.defaultUserName
        let identity: SessionIdentity
        do {
            identity = try SessionIdentity.lookup(userName: userName)
        } catch {
            logger.error("cannot start the X session: \(error)")
            feed(.launcherExited(status: nil))
            return
        }
        sessionHome = identity.homeDirectory
        store.chownSlaveKey(to: (identity.userID, identity.groupID))
        do {
            _ = try SessionRuntimeDirectory.prepare(for: identity, root: configuration.environment.runtimeDirectoryRoot)
        } catch {
            logger.warning("\(error)")
        }
        let environment = SessionEnvironment.build(for: identity, configuration: configuration.environment, logger: logger)

        let logPath = nxagentLogPath
        let log: NXAgentSessionLog
        do {
            log = try NXAgentSessionLog.open(path: logPath)
        } catch {
            logger.error("\(error)")
            feed(.launcherExited(status: nil))
            return
        }
        log.writeLaunchHeader(command: arguments)
        follower?.stop()
        follower = NXAgentLogFollower(path: logPath, offset: NXAgentLogFollower.currentSize(of: logPath)) { line in
            await self.outputLine(line)
        }
        let processConfiguration = ChildProcessConfiguration(
            executable: executable,
            arguments: Array(arguments.dropFirst()),
            environment: environment.childProcessEnvironment,
            workingDirectory: identity.workingDirectory,
            credentials: identity.credentials,
            processGroup: .newSession,
            standardInput: .null,
            standardOutput: .fileDescriptor(log.descriptor, closeAfterSpawn: false),
            standardError: .fileDescriptor(log.descriptor, closeAfterSpawn: false))
        let logger = self.logger
        Task {
            let handle: ChildProcessHandle
            do {
                handle = try await ChildProcess.start(processConfiguration)
            } catch {
                log.close()
                logger.error("cannot start the X session: \(error)")
                self.feed(.launcherExited(status: nil))
                return
            }
            log.close()
            self.launcherStarted(handle)
            let result = try? await handle.wait()
            log.appendLine("out closed")
            self.launcherFinished(result)
        }
    }

    private func launcherStarted(_ handle: ChildProcessHandle) {
        launcher = handle
        logger.info("X session launched", metadata: ["pid": "\(handle.pid)"])
    }

    private func launcherFinished(_ result: ChildProcessResult?) {
        launcher = nil
        if let result { logger.info("X session launcher ended: \(result.status)") }
        // Give the follower a moment to deliver nxagent's last lines before the exit.
        Task {
            try? await Task.sleep(for: .milliseconds(150))
            self.feed(.launcherExited(status: result?.status.exitCode))
        }
    }
}
