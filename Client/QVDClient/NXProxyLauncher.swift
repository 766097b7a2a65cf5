import QVDCore

/// Something running on the client side of the NX stream (normally `nxproxy -S`).
public protocol NXProxyProcess: Sendable {
    /// Waits until it exits; returns a one-line account of how.
    func waitForExit() async -> String
    /// Ends it (SIGTERM, then SIGKILL after a grace period).
    func stop() async
}

/// Starts the local NX proxy once the local listener is ready.
public protocol NXProxyLauncher: Sendable {
    /// Starts the proxy so that it connects to `127.0.0.1:listenerPort`.
    func launch(listenerPort: Int, slavePort: Int?) async throws(ClientError) -> any NXProxyProcess
}

/// Runs the real `nxproxy -S … localhost:<P-4000>` (`NXProxySettings`) with the caller's
/// environment plus `NX_CLIENT`/`NX_SLAVE_CMD`, in its own process group.
public struct NXProxyCommandLauncher: NXProxyLauncher {
    public var settings: NXProxySettings
    /// Receives each line nxproxy prints (stdout and stderr); `nil` discards them.
    public var output: (@Sendable (String) -> Void)?
    /// Variables set on top of the caller's environment and `NXProxySettings`' own
    /// (tests point `HOME`/`NX_HOME` at a temporary directory).
    public var extraEnvironment: [String: String]

    public init(settings: NXProxySettings, output: (@Sendable (String) -> Void)? = nil,
                extraEnvironment: [String: String] = [:]) {
        self.settings = settings
        self.output = output
        self.extraEnvironment = extraEnvironment
    }

    public func launch(listenerPort: Int, slavePort: Int?) async throws(ClientError) -> any NXProxyProcess {
        let slaveExecutable = settings.slaveCommand.map(FileCheck.isExecutable) ?? false
        let configuration = ChildProcessConfiguration(
            executable: settings.executable,
            arguments: settings.arguments(listenerPort: listenerPort, slavePort: slavePort),
            environment: .inherited(
                updating: settings.environment(slaveCommandIsExecutable: slaveExecutable).merging(extraEnvironment) { $1 },
                removing: []),
            processGroup: .newGroup,
            standardOutput: output.map { sink in .lines { sink($0) } } ?? .discard,
            standardError: output.map { sink in .lines { sink($0) } } ?? .discard)
        do {
            return RunningNXProxy(handle: try await ChildProcess.start(configuration))
        } catch {
            throw ClientError(.nxproxy, phase: .session, "cannot start \(settings.executable): \(error)",
                              hint: "install nxproxy or set command.nxproxy in ~/.qvd/client.conf")
        }
    }
}

struct RunningNXProxy: NXProxyProcess {
    let handle: ChildProcessHandle

    func waitForExit() async -> String {
        do {
            let result = try await handle.wait()
            return "nxproxy ended: \(result.status)"
        } catch {
            return "nxproxy: \(error)"
        }
    }

    func stop() async {
        _ = try? await handle.terminate(grace: .seconds(2))
    }
}
