import Logging
import QVDCore
import Synchronization
@testable import QVDAgent

/// A command runner that records every command and answers from a script.
final class RecordingCommandRunner: ProvisioningCommandRunner {
    private let state: Mutex<[ProvisioningCommand]> = Mutex([])
    private let respond: @Sendable (ProvisioningCommand) -> ProvisioningCommandResult

    /// `respond` decides each command's result (and may change a ``FakeProvisioningProbe``).
    init(_ respond: @escaping @Sendable (ProvisioningCommand) -> ProvisioningCommandResult = { _ in .success }) {
        self.respond = respond
    }

    func run(_ command: ProvisioningCommand) async throws(ChildProcessError) -> ProvisioningCommandResult {
        state.withLock { $0.append(command) }
        return respond(command)
    }

    /// Every command run so far, as argv.
    var argvs: [[String]] { state.withLock { $0.map(\.argv) } }
    var commands: [ProvisioningCommand] { state.withLock { $0 } }
}

/// A system as a table: directories, other existing paths, device numbers and users.
final class FakeProvisioningProbe: ProvisioningProbe {
    struct State {
        var directories: Set<String> = []
        var paths: Set<String> = []
        var devices: [String: UInt64] = [:]
        var users: Set<String> = []
        var pauses = 0
    }

    private let state: Mutex<State>

    init(directories: Set<String> = [], paths: Set<String> = [], devices: [String: UInt64] = [:], users: Set<String> = []) {
        state = Mutex(State(directories: directories, paths: paths, devices: devices, users: users))
    }

    func update(_ change: (inout State) -> Void) { state.withLock { change(&$0) } }
    var pauses: Int { state.withLock { $0.pauses } }

    func isDirectory(_ path: String) -> Bool { state.withLock { $0.directories.contains(path) } }
    func exists(_ path: String) -> Bool { state.withLock { $0.directories.contains(path) || $0.paths.contains(path) } }
    func deviceID(of path: String) -> UInt64? { state.withLock { $0.devices[path] } }
    func userExists(_ name: String) throws(UserAccount.LookupError) -> Bool { state.withLock { $0.users.contains(name) } }
    func pause(_ duration: Duration) async { state.withLock { $0.pauses += 1 } }
}

/// A hook closure that records its calls under a name and fails when asked.
final class HookRecorder: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let calls: Mutex<[String]> = Mutex([])

    func hook(_ name: String, failWith message: String? = nil) -> ProvisioningHooks.Hook {
        { [self] in
            calls.withLock { $0.append(name) }
            if let message { throw Failure(description: message) }
        }
    }

    /// Records `name` when called, for ordering against commands.
    func record(_ name: String) { calls.withLock { $0.append(name) } }

    var names: [String] { calls.withLock { $0 } }
}

extension Logger {
    /// A logger that drops everything.
    static var provisioningTestSilent: Logger {
        Logger(label: "test.provisioning") { _ in SwiftLogNoOpLogHandler() }
    }
}

/// A thread-safe counter that closures can capture.
final class ProvisioningTestCounter: Sendable {
    private let count: Mutex<Int> = Mutex(0)

    /// Adds one and returns the new count.
    @discardableResult
    func increment() -> Int { count.withLock { $0 += 1; return $0 } }

    var value: Int { count.withLock { $0 } }
}
