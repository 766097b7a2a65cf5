import Logging
import NIOCore
import QVDCore

/// Serves one client connection: reads request heads one after another (upstream loops on a
/// connection, `upstream-l7r-protocol.md` §0), answers them, and after a successful
/// `connect_to_vm` relays bytes between the client and nxagent until either side closes.
///
/// Every final answer is its head then its body as two flushed writes (the head handler
/// flushes each head), because upstream's C client hangs when they share a TLS record
/// (`upstream-clients-observed.md` §8.3). 102s and the 101 carry their one header and no body.
/// After the 101 a `ByteRelayHandler` pair joins the client and nxagent channels inside NIO
/// and the HTTP framing handler leaves the pipeline (`HTTPUpgradeDelivery.onRemoval`).
public struct L7RConnectionServer: Sendable {
    public var router: L7RRouter
    public var runtime: L7RVMRuntime
    public var timing: L7RTiming
    public var group: any EventLoopGroup
    public var logger: Logger

    public init(router: L7RRouter, runtime: L7RVMRuntime, timing: L7RTiming,
                group: any EventLoopGroup, logger: Logger) {
        self.router = router
        self.runtime = runtime
        self.timing = timing
        self.group = group
        self.logger = logger
    }

    /// Serves `connection` until it closes.
    public func serve(_ connection: NIOAsyncChannel<HTTPServerInbound, HTTPServerOutbound>) async {
        let channel = connection.channel
        do {
            try await connection.executeThenClose { inbound, outbound in
                var requests = inbound.makeAsyncIterator()
                while let message = try await requests.next() {
                    guard case .head(let head) = message else {
                        if case .error(let error) = message {
                            logger.info("malformed request", metadata: ["error": "\(error)"])
                            try await HTTPErrorResponse(error).send(with: outbound)
                            return
                        }
                        continue
                    }
                    logger.info("request", metadata: ["method": "\(head.method)", "path": "\(head.rawPath)"])
                    switch router.route(head) {
                    case .error(let status, let message, let challenge):
                        var headers = HTTPHeaders()
                        if challenge { headers.add(name: HTTPHeaderName.wwwAuthenticate, value: "Basic realm=\"QVD\"") }
                        let response = HTTPErrorResponse(status: status, message: message, headers: headers)
                        try await response.send(with: outbound)
                        if response.closesConnection { return }
                    case .ping:
                        try await Self.send(.ok, contentType: "text/plain", body: "I am alive!\r\n", to: outbound)
                    case .listOfVM(let login, let applications):
                        var entries: [VMListJSON.Entry] = []
                        for vm in router.accounts.machines(ownedBy: login) where vm.isApplication == applications {
                            entries.append(VMListJSON.Entry(id: vm.id, name: vm.name, state: await runtime.state(of: vm.id),
                                                            blocked: vm.blocked, isApplication: vm.isApplication))
                        }
                        try await Self.send(.ok, contentType: "application/json", body: VMListJSON.encode(entries), to: outbound)
                    case .stopVM(let vm):
                        try await stop(vm, outbound: outbound)
                    case .connect(let request):
                        let relayed = try await connect(request, channel: channel, outbound: outbound)
                        if relayed { return }
                    }
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// `stop_vm` (`upstream-l7r-protocol.md` §7): 200 at once for a stopped VM; otherwise
    /// 102 `Stopping virtual machine`, the session (if any) is ended, 102 `Waiting for VM to
    /// reach state 'stopped'`, then 200 `Machine stopped\r\n`. The stub only marks the VM
    /// stopped: it has no hypervisor to stop.
    private func stop(_ vm: L7RVirtualMachine, outbound: NIOAsyncChannelOutboundWriter<HTTPServerOutbound>) async throws {
        if await runtime.state(of: vm.id) != "stopped" {
            try await Self.tell("Stopping virtual machine", outbound)
            await runtime.endSession(vm.id)
            try await Self.tell("Waiting for VM to reach state 'stopped'", outbound)
            await runtime.setState("stopped", of: vm.id)
        }
        try await Self.send(.ok, contentType: "text/plain", body: "Machine stopped\r\n", to: outbound)
    }

    /// Runs the connect; returns true when the connection was upgraded and relayed (and is
    /// now finished), false when an error answer was sent and requests may go on.
    private func connect(
        _ request: L7RConnectRequest, channel: any Channel,
        outbound: NIOAsyncChannelOutboundWriter<HTTPServerOutbound>
    ) async throws -> Bool {
        let vmID = request.machine.id
        let procedure = L7RConnectProcedure(request: request, runtime: runtime, timing: timing,
                                            group: group, logger: logger)
        let outcome: L7RConnectProcedure.Outcome
        do {
            outcome = try await procedure.run(client: channel) { text in
                try await Self.tell(text, outbound)
            }
        } catch let failure as L7RConnectFailure {
            logger.notice("connect failed", metadata: ["vm": "\(vmID)", "reason": "\(failure.reason)"])
            await runtime.release(vmID, by: channel)
            try await HTTPErrorResponse(status: .serviceUnavailable, message: failure.responseBody).send(with: outbound)
            return false
        } catch {
            await runtime.release(vmID, by: channel)
            throw error
        }

        var switching = HTTPHeaders()
        switching.add(name: HTTPHeaderName.qvdSlaveKey, value: outcome.slaveKey)
        logger.info("relaying", metadata: ["vm": "\(vmID)", "user": "\(request.login)"])
        let nx = outcome.nx
        do {
            try await outbound.write(.head(HTTPResponseHead(status: .switchingProtocols, headers: switching)))
            try await Self.installRelay(client: channel, nx: nx)
            try await channel.closeFuture.get()
        } catch {
            logger.debug("relay ended", metadata: ["vm": "\(vmID)", "error": "\(error)"])
            channel.close(promise: nil)
            nx.close(promise: nil)
        }
        await runtime.release(vmID, by: channel)
        logger.info("session ended", metadata: ["vm": "\(vmID)"])
        return true
    }

    /// Joins the client connection and nxagent's with a `ByteRelayHandler` pair, then
    /// removes the HTTP framing handler, which hands the bytes it read past the 101 to the
    /// relay (`HTTPUpgradeDelivery.onRemoval`). From then on bytes move inside NIO, without
    /// passing through this task. Both channels share one event loop.
    static func installRelay(client: any Channel, nx: any Channel) async throws {
        try await client.eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
            do {
                let (clientSide, nxSide) = ByteRelayHandler.matchedPair()
                let framing = try client.pipeline.syncOperations.handler(type: HTTPServerHeadHandler.self)
                try client.pipeline.syncOperations.addHandler(clientSide, position: .after(framing))
                try nx.pipeline.syncOperations.addHandler(nxSide)
                nx.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in nx.close(promise: nil) }
                // If nxagent is already gone, its close never reached the relay: end the client.
                if !nx.isActive { client.close(promise: nil) }
                return client.pipeline.syncOperations.removeHandler(framing)
            } catch {
                return client.eventLoop.makeFailedFuture(error)
            }
        }.get()
    }

    static func tell(_ text: String, _ outbound: NIOAsyncChannelOutboundWriter<HTTPServerOutbound>) async throws {
        var headers = HTTPHeaders()
        headers.add(name: HTTPHeaderName.qvdVMInfo, value: text)
        try await outbound.write(.head(HTTPResponseHead(status: .processing, headers: headers)))
    }

    static func send(_ status: HTTPStatus, contentType: String, body: String,
                     to outbound: NIOAsyncChannelOutboundWriter<HTTPServerOutbound>) async throws {
        let bytes = ByteBuffer(string: body)
        try await outbound.write(.head(.withBody(status: status, contentType: contentType, contentLength: bytes.readableBytes)))
        try await outbound.write(.body(bytes))
    }
}
