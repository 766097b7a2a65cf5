#if canImport(Glibc)
import Glibc
#endif
import QVDCore
@testable import QVDAgent

/// The real system, except that the test's temporary directory stands in for `/` in the
/// "is the home root still on the root device" check (the temp directory may be on a tmpfs).
struct RootDeviceProbe: ProvisioningProbe {
    let rootStandIn: String
    let system = SystemProvisioningProbe()

    func isDirectory(_ path: String) -> Bool { system.isDirectory(path) }
    func exists(_ path: String) -> Bool { system.exists(path) }
    func deviceID(of path: String) -> UInt64? { system.deviceID(of: path == "/" ? rootStandIn : path) }
    func userExists(_ name: String) throws(UserAccount.LookupError) -> Bool { try system.userExists(name) }
    func pause(_ duration: Duration) async { await system.pause(duration) }
}

/// Helpers to run and clean up real commands in tests.
enum ProvisioningTestSystem {
    /// `qvdt` and 8 random lower-case letters and digits: a valid, unused user or group name.
    static func uniqueName() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return "qvdt" + String((0..<8).map { _ in alphabet.randomElement() ?? "x" })
    }

    private static let temporaryPrefix = "/tmp/qvd-provisioning-"

    static func makeTemporaryDirectory() throws -> String {
        try TestTemporaryDirectory.make(prefix: temporaryPrefix)
    }

    /// Runs argv[0] from PATH; output is stdout+stderr, trimmed.
    static func run(_ argv: [String]) async throws -> (status: ChildProcessStatus, output: String) {
        let result = try await ChildProcess.run(ChildProcessConfiguration(
            executable: argv[0], arguments: Array(argv.dropFirst()),
            standardOutput: .collect(limit: 65536), standardError: .collect(limit: 65536)
        ), timeout: .seconds(60))
        var output = (result.standardOutput?.text ?? "") + (result.standardError?.text ?? "")
        while output.last?.isWhitespace == true { output.removeLast() }
        return (result.status, output)
    }

    /// Runs `body`, then `cleanup` whether or not `body` threw.
    static func withCleanup(
        _ body: () async throws -> Void,
        cleanup: () async -> Void
    ) async throws {
        do {
            try await body()
        } catch {
            await cleanup()
            throw error
        }
        await cleanup()
    }

    /// `rm -rf` without a shell, for the test's own temporary directory only.
    static func removeTree(_ path: String) {
        TestTemporaryDirectory.removeTree(path, prefix: temporaryPrefix)
    }
}
