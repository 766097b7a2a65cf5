import Foundation
import QVDCore
import Testing
@testable import QVDClient

/// The built `qvdclient` program against `FakeL7R` (a fake standing in for the L7R):
/// stdout, one-line stderr and the documented exit status.
@Suite(.serialized) struct QVDClientBinaryTests {
    static var binary: String? {
        let path = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("qvdclient").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    func run(_ arguments: [String], home: String, password: String) async throws -> ChildProcessResult {
        let binary = try unwrap(Self.binary)
        return try await ChildProcess.run(ChildProcessConfiguration(
            executable: binary, arguments: arguments,
            environment: .exactly(["HOME": home, "QVDPASSWORD": password, "PATH": "/usr/bin:/bin"]),
            standardOutput: .collect(limit: 65_536), standardError: .collect(limit: 65_536)), timeout: .seconds(60))
    }

    @Test(.enabled(if: binary != nil)) func listJSONAndWrongPassword() async throws {
        let server = try await FakeL7R.start(script: QVDClientSessionTests.script { _ in [.close] })
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let common = ["-h", "127.0.0.1", "-p", String(server.port), "-u", "alice"]

        let listed = try await run(common + ["-l", "--json", "--pin", server.fingerprint.pinForm],
                                   home: home.path, password: QVDClientSessionTests.password)
        #expect(listed.status == .exited(0))
        #expect(listed.standardOutput?.text == #"[{"id":1,"name":"Desktop-1","state":"running","blocked":0,"is_application":0},{"id":2,"name":"Desktop-2","state":"stopped","blocked":0,"is_application":0}]"# + "\n")

        let refused = try await run(common + ["-l"], home: home.path, password: "wrong")
        #expect(refused.status == .exited(ClientExitCode.authentication.rawValue))
        #expect(refused.standardError?.text == "qvdclient: listing the VMs: 127.0.0.1 refused the login (401) (check the user name and password, or the token)\n")

        let log = try String(contentsOfFile: home.path + "/.qvd/qvd-client.log", encoding: .utf8)
        #expect(log.contains("connecting auth=\"Basic (login alice)\""))
        #expect(!log.contains(QVDClientSessionTests.password))
        await server.stop()
    }

    @Test(.enabled(if: binary != nil)) func unknownCertificateExitStatus() async throws {
        let server = try await FakeL7R.start(script: QVDClientSessionTests.script { _ in [.close] })
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let result = try await run(["-h", "127.0.0.1", "-p", String(server.port), "-u", "alice", "-l"],
                                   home: home.path, password: "x")
        await server.stop()
        #expect(result.status == .exited(ClientExitCode.untrustedCertificate.rawValue))
        #expect(result.standardError?.text.contains("--pin \(server.fingerprint.pinForm)") == true)
    }
}
