import Logging
import NIOCore
import NIOPosix
import QVDCore

/// Runs a checked `connect_to_vm` up to the point where bytes can be relayed
/// (`upstream-l7r-protocol.md` §10 steps 4–9, §5.2 texts; `upstream-vma.md` §1.8 "L7R"):
/// takeover, a simulated start of a stopped VM, `x_start` with retries, `x_state` polling,
/// the TCP connection to nxagent. Each progress text goes to `tell` (a `102 Processing`
/// with `X-QVD-VM-Info`). The caller sends the 101 and relays.
public struct L7RConnectProcedure: Sendable {
    /// What the caller needs to finish the connect.
    public struct Outcome: Sendable {
        /// The key sent to the VMA and back to the client in `X-QVD-Slave-Key`.
        public var slaveKey: String
        /// The connection to the VM's nxagent port, on the client connection's event loop,
        /// with no handlers and `autoRead` off until the relay is installed.
        public var nx: any Channel
    }

    public var request: L7RConnectRequest
    public var runtime: L7RVMRuntime
    public var timing: L7RTiming
    public var group: any EventLoopGroup
    public var logger: Logger

    public init(request: L7RConnectRequest, runtime: L7RVMRuntime, timing: L7RTiming,
                group: any EventLoopGroup, logger: Logger) {
        self.request = request
        self.runtime = runtime
        self.timing = timing
        self.group = group
        self.logger = logger
    }

    /// Runs the steps for the client connection `client`.
    public func run(client: any Channel, tell: @Sendable (String) async throws -> Void)
        async throws -> Outcome
    {
        let vm = request.machine
        let id = vm.id
        if await runtime.hasSession(id) {
            try await tell("Aborting contending session for VM_ID: \(id)")
        }
        await runtime.takeOver(id, by: client)
        try await tell("Session acquired for VM_ID: \(id)")

        if await runtime.state(of: id) == "stopped" {
            // A stopped VM has no host in upstream's database: the L7R assigns one first
            // (`upstream-l7r-protocol.md` §5.2 item 2; recorded in l7r-c-connect-vm2-stopped).
            try await tell("Assigning VM \(id) to host")
            try await tell("Starting virtual machine")
            try await tell("Waiting for VM to reach state 'running'")
            await runtime.setState("running", of: id)
        }

        let slaveKey = RandomAlphanumerics.slaveKey()
        let parameters = L7RXStartParameters.merge(
            client: request.clientParameters, vmProperties: vm.properties,
            login: request.login, slaveKey: slaveKey)
        let vma = VMAClient(host: vm.vmaHost, port: vm.vmaPort, timeout: timing.vmaCallTimeout, group: group)

        try await tell("Starting X session at VM \(id)")
        try await startX(vma: vma, parameters: parameters)

        try await tell("Waiting for X session to come up on VM \(id)")
        try await waitForListening(vma: vma)

        try await tell("Connecting X session for VM_ID: \(id)")
        let nx: any Channel
        do {
            // Same event loop as the client connection, so the relay's two handlers talk
            // without hops; no reads until the relay is in place.
            nx = try await ClientBootstrap(group: client.eventLoop)
                .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .channelOption(ChannelOptions.autoRead, value: false)
                .connectTimeout(TimeAmount(timing.vmaCallTimeout))
                .connect(host: vm.nxHost, port: vm.nxPort).get()
        } catch {
            throw L7RConnectFailure.nxConnectFailed(vm: id, detail: "\(error)")
        }
        guard await runtime.holds(id, by: client) else {
            try? await nx.close()
            throw L7RConnectFailure.abortedByContendingSession(vm: id)
        }
        do {
            try await tell("Connection established")
        } catch {
            try? await nx.close()
            throw error
        }
        return Outcome(slaveKey: slaveKey, nx: nx)
    }

    /// `x_start`, retried while the call fails; a false result is fatal (L7R.pm 587-600).
    private func startX(vma: VMAClient, parameters: [L7RParameter]) async throws {
        let id = request.machine.id
        var lastFailure = ""
        for attempt in 0...timing.xStartRetries {
            if attempt > 0 { try await Task.sleep(for: timing.xPollInterval) }
            do {
                switch try await vma.call("x_start", parameters) {
                case .success(let value):
                    guard Self.isTrue(value) else {
                        throw L7RConnectFailure.xStartFailed(vm: id, detail: "x_start returned a false value")
                    }
                    return
                case .failure(let message):
                    lastFailure = message.trimmingSuffixNewlines()
                }
            } catch let error as VMACallError {
                lastFailure = error.description
            }
            logger.info("x_start failed", metadata: ["vm": "\(id)", "attempt": "\(attempt + 1)", "error": "\(lastFailure)"])
        }
        throw L7RConnectFailure.xStartFailed(vm: id, detail: lastFailure)
    }

    /// Polls `x_state` (L7R.pm 602-632): `listening` ends the wait; `starting` or no answer is
    /// allowed until `xStartTimeout`; `provisioning` waits without limit; anything else fails.
    /// Unlike upstream, the first two seconds are polled every 100 ms: a resume reaches
    /// `listening` within about 100 ms, and a 1 s poll would make the user wait for the
    /// L7R rather than for the VM. Nothing of this shows on the wire to the client.
    private func waitForListening(vma: VMAClient) async throws {
        let id = request.machine.id
        let clock = ContinuousClock()
        let deadline = clock.now + timing.xStartTimeout
        let quickPollsUntil = clock.now + .seconds(2)
        while true {
            var state: String?
            if let reply = try? await vma.call("x_state", []), case .success(let value) = reply {
                state = value.stringValue
            }
            switch state {
            case "listening":
                return
            case "provisioning":
                break
            case nil, "starting":
                if clock.now >= deadline { throw L7RConnectFailure.xStartTimedOut(vm: id) }
            case let other?:
                throw L7RConnectFailure.xStateWent(vm: id, state: other)
            }
            try await Task.sleep(for: clock.now < quickPollsUntil ? min(timing.xPollInterval, .milliseconds(100)) : timing.xPollInterval)
        }
    }

    /// Perl truth: not null, not false, not 0, not "" or "0".
    static func isTrue(_ value: SimpleRPCValue) -> Bool {
        switch value {
        case .null: false
        case .bool(let flag): flag
        case .integer(let number): number != 0
        case .double(let number): number != 0
        case .string(let text): !(text.isEmpty || text == "0")
        case .array, .object: true
        }
    }
}

extension String {
    func trimmingSuffixNewlines() -> String {
        var text = Substring(self)
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        return String(text)
    }
}
