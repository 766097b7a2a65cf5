import Logging
import NIOCore
import QVDCore

/// One run of `qvdclient` (`upstream-l7r-protocol.md` §0): one TLS connection for the
/// whole exchange — `list_of_vm`, the VM choice, optional `stop_vm`, `connect_to_vm` with
/// its `102` progress and `101`, then the NX session through the local proxy.
public struct QVDClientSession: Sendable {
    public var settings: ClientSettings
    public var console: any ClientConsole
    public var launcher: any NXProxyLauncher
    public var group: any EventLoopGroup
    public var interrupter: SessionInterrupter
    /// Events for `~/.qvd/qvd-client.log`: never a password, token or slave key.
    public var logger: Logger

    public init(settings: ClientSettings, console: any ClientConsole, launcher: any NXProxyLauncher,
                group: any EventLoopGroup, interrupter: SessionInterrupter = SessionInterrupter(),
                logger: Logger = Logger(label: "qvdclient")) {
        self.logger = logger
        self.settings = settings
        self.console = console
        self.launcher = launcher
        self.group = group
        self.interrupter = interrupter
    }

    /// Runs the exchange. Returns `nil` after `-l`, or how the session ended.
    public func run() async throws(ClientError) -> SessionEnd? {
        do throws(ClientError) {
            let end = try await runLogged()
            logger.info("finished", metadata: ["end": "\(end.map(\.description) ?? "listed")"])
            return end
        } catch {
            logger.error("failed", metadata: ["error": "\(error)", "exit": "\(error.code.rawValue)"])
            throw error
        }
    }

    private func runLogged() async throws(ClientError) -> SessionEnd? {
        guard let credentials = settings.credentials else {
            throw ClientError(.usage, phase: .configuration, "no password given",
                              hint: "use QVDPASSWORD, --password-stdin or a terminal")
        }
        logger.info("connecting", metadata: ["server": "\(settings.host):\(settings.port)", "auth": "\(credentials)"])
        let channel = try await L7RConnector(settings: settings, console: console, group: group).connect()
        interrupter.attach(channel.channel)
        do {
            return try await channel.executeThenClose { inbound, outbound in
                var exchange = L7RExchange(inbound: inbound.makeAsyncIterator(), outbound: outbound, host: settings.host)
                if settings.debug { exchange.trace = { console.status("debug: \($0)") } }
                return try await converse(&exchange, credentials: credentials, tlsChannel: channel.channel)
            }
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError(.network, phase: .session, "\(error)")
        }
    }

    private func converse(_ exchange: inout L7RExchange, credentials: ClientCredentials, tlsChannel: any Channel)
        async throws(ClientError) -> SessionEnd?
    {
        let host = settings.host

        let listed = try await exchange.perform(L7RRequest.listOfVM(credentials: credentials), phase: .listingVMs, console: console, logger: logger)
        guard listed.head.status.code == 200 else {
            throw L7RResponseMapper.error(status: listed.head.status.code, body: listed.body, phase: .listingVMs, host: host)
        }
        let list = try VMList.decode(listed.body)
        if case .list(let json) = settings.action {
            console.output(json ? list.json : list.table)
            return nil
        }

        let vm = try VMChooser.choose(from: list, vmID: settings.vmID, first: settings.firstVM, console: console)
        logger.info("VM chosen", metadata: ["vm": "\(vm.id)", "name": "\(vm.name)", "restart": "\(settings.restart)"])
        if settings.restart {
            let stopped = try await exchange.perform(L7RRequest.stopVM(id: vm.id, credentials: credentials),
                                                     phase: .stoppingVM, vmID: vm.id, console: console, logger: logger)
            guard stopped.head.status.code == 200 else {
                throw L7RResponseMapper.error(status: stopped.head.status.code, body: stopped.body, phase: .stoppingVM, vmID: vm.id, host: host)
            }
        }

        let connected = try await exchange.perform(
            L7RRequest.connectToVM(id: vm.id, settings: settings, credentials: credentials),
            phase: .connectingVM, vmID: vm.id, console: console, logger: logger)
        guard connected.head.status.code == 101 else {
            throw L7RResponseMapper.error(status: connected.head.status.code, body: connected.body,
                                          phase: .connectingVM, vmID: vm.id, host: host)
        }

        let listener = try await SessionBridge.listen(group: group)
        guard let port = listener.channel.localAddress?.port else {
            throw ClientError(.nxproxy, phase: .session, "the local listener has no port")
        }
        let slavePort = settings.nxproxy.slaveEnabled ? await SessionBridge.freePort(group: group) : nil
        let keyFile = SlaveKeyFile(directory: settings.userDirectory)
        if let key = connected.head.headers["X-QVD-Slave-Key"] {
            try keyFile.write(key: key, port: slavePort)
        }
        defer { keyFile.remove() }

        let nxproxy: any NXProxyProcess
        do throws(ClientError) {
            nxproxy = try await launcher.launch(listenerPort: port, slavePort: slavePort)
        } catch {
            try? await listener.channel.close()
            throw error
        }
        let local: SessionBridge.LocalChannel
        do throws(ClientError) {
            local = try await SessionBridge.acceptOne(listener)
        } catch {
            await nxproxy.stop()
            throw error
        }
        console.status("connected to VM \(vm.id) (\(vm.name))")
        logger.info("session started", metadata: ["vm": "\(vm.id)", "listener": "\(port)", "slave": "\(slavePort.map(String.init) ?? "off")"])
        let shares = ShareLauncher.configured(settings: settings, console: console, logger: logger)?.start()
        let end = await SessionBridge.run(exchange: &exchange, tlsChannel: tlsChannel, local: local,
                                          nxproxy: nxproxy, interrupter: interrupter)
        await shares?.stop()
        return end
    }
}
