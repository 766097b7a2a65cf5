import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import QVDCore
import QVDHooks

/// The agent's RPC methods (`upstream-vma.md` §1.5) on top of the session controller and
/// the hook runner. Replies keep upstream's wire form; the behaviour carries our fixes
/// (spec README, deliberate difference 3): `ping` answers 1, `expire` passes no stray
/// argument, `poweroff` answers before it shuts down.
public struct VMAService: VMARPCService {
    public let controller: SessionController
    public let hooks: HookRunner
    public let configuration: VMAConfiguration
    public let logger: Logger
    /// Runs the power-off command; replaced in tests (nothing here may power the machine off).
    public var powerOff: @Sendable ([String], Logger) async -> Void

    public init(controller: SessionController, hooks: HookRunner, configuration: VMAConfiguration, logger: Logger,
                powerOff: @escaping @Sendable ([String], Logger) async -> Void = VMAService.runPowerOffCommand) {
        self.controller = controller
        self.hooks = hooks
        self.configuration = configuration
        self.logger = logger
        self.powerOff = powerOff
    }

    public func reportedState() async -> String {
        await controller.reportedState.rawValue
    }

    public func call(method: String, parameters: [QueryParameter]) async -> VMARPCAnswer? {
        switch method {
        case "ping":
            return VMARPCAnswer(.success(.integer(1)))
        case "x_state":
            return VMARPCAnswer(Self.rpcReply(await controller.xState()))
        case "x_suspend":
            return VMARPCAnswer(Self.rpcReply(await controller.xSuspend()))
        case "x_stop":
            return VMARPCAnswer(Self.rpcReply(await controller.xStop()))
        case "x_start":
            return VMARPCAnswer(await xStart(parameters))
        case "expire":
            return VMARPCAnswer(await expire(parameters))
        case "poweroff":
            return await poweroff()
        default:
            return nil
        }
    }

    static func rpcReply(_ reply: SessionReply) -> SimpleRPCReply {
        switch reply {
        case .value(let value): .success(.string(value))
        case .error(let message): .failure(message: message)
        }
    }

    /// Fills the user defaults upstream's `_fill_props` adds (`upstream-vma.md` §5.1) before
    /// the session machine and the hooks see the parameters; an unsafe user name or home
    /// is refused here, before anything runs.
    func xStart(_ query: [QueryParameter]) async -> SimpleRPCReply {
        var parameters = SessionParameters(query.map { (key: $0.name, value: $0.value) })
        do {
            let filled = try ProvisioningParameters(parameters: parameters.dictionary, configuration: configuration.provisioning)
            for parameter in filled.filledParameters {
                parameters.setDefault(parameter.key, to: parameter.value)
            }
        } catch {
            logger.warning("x_start refused: \(error.description)")
            return .failure(message: error.description.hasSuffix("\n") ? error.description : error.description + "\n")
        }
        return Self.rpcReply(await controller.xStart(parameters))
    }

    /// Runs the expire hook with the `vm.expiration.*` parameters (`upstream-vma.md` §6.1).
    /// `null` when no hook is configured, `1` when it succeeded, its error otherwise.
    func expire(_ query: [QueryParameter]) async -> SimpleRPCReply {
        guard hooks.isConfigured(.action(.expire)) else { return .success(.null) }
        let state = await controller.reportedState.rawValue
        let invocation = HookInvocation.action(.expire, sessionState: state,
                                               parameters: query.map { HookParameter($0.name, $0.value ?? "") })
        do {
            _ = try await hooks.run(invocation)
            return .success(.integer(1))
        } catch {
            return .failure(message: error.description)
        }
    }

    /// Runs the poweroff hook (its failure aborts), answers `1`, then powers off.
    func poweroff() async -> VMARPCAnswer {
        let state = await controller.reportedState.rawValue
        do {
            _ = try await hooks.run(.action(.poweroff, sessionState: state))
        } catch {
            return VMARPCAnswer(.failure(message: error.description))
        }
        let command = configuration.poweroffCommand
        let logger = self.logger
        let powerOff = self.powerOff
        return VMARPCAnswer(.success(.integer(1))) {
            await powerOff(command, logger)
        }
    }

    /// `command.poweroff` (default `systemctl poweroff`), falling back to `init 0` as
    /// upstream did when it fails.
    @Sendable public static func runPowerOffCommand(_ command: [String], logger: Logger) async {
        for candidate in [command, ["init", "0"]] where !candidate.isEmpty {
            logger.notice("powering off: \(candidate.joined(separator: " "))")
            let configuration = ChildProcessConfiguration(
                executable: candidate[0], arguments: Array(candidate.dropFirst()), environment: .inherited,
                standardOutput: .collect(limit: 4096), standardError: .collect(limit: 4096))
            if let result = try? await ChildProcess.run(configuration, timeout: .seconds(60)), result.succeeded { return }
            logger.error("power-off command failed: \(candidate.joined(separator: " "))")
        }
    }
}
