import Foundation
import QVDCore
import Testing
@testable import QVDClient
@testable import qvdclient

/// `qvdclient --help` teaches (examples, environment, every exit status), `--trust`
/// parses, and the built binary's `--help` and `--trust` behave as documented.
@Suite(.serialized) struct QVDClientHelpTests {
    @Test func helpListsExamplesEnvironmentAndEveryExitCode() {
        let help = QVDClientCommand.helpMessage(columns: 200)
        #expect(help.contains("Examples:\n  qvdclient -h qvd.example.com -u alice -l\n      List alice's VMs; the password is asked on the terminal."))
        #expect(help.contains("  qvdclient --trust -h qvd.example.com --pin sha256:<hex>"))
        for variable in ["QVDHOST", "QVDPORT", "QVDLOGIN", "QVDPASSWORD", "QVDBEARER", "QVDBEARERTOKEN", "QVDVMID", "QVD_DEBUG", "DISPLAY"] {
            #expect(help.contains(variable), "\(variable) documented")
        }
        #expect(help.contains("Exit status:\n   0  success\n   1  usage error\n"))
        for code in ClientExitCode.allCases {
            let number = String(code.rawValue)
            #expect(help.contains("\n" + String(repeating: " ", count: 4 - number.count) + number + "  " + code.description + "\n"),
                    "exit status \(code.rawValue) documented")
        }
        #expect(help.contains("--trust"))
    }

    @Test func trustFlag() throws {
        let command = try QVDClientCommand.parse(["--trust", "-h", "l7r", "-p", "9443", "--pin", "sha256:00"])
        let options = command.clientOptions()
        #expect(options.trust)
        #expect(options.host == "l7r")
        #expect(options.pins == ["sha256:00"])
        #expect(throws: (any Error).self) { try QVDClientCommand.parse(["--trust", "-l", "-h", "l7r"]) }
        #expect(!(try QVDClientCommand.parse(["-h", "l7r"]).clientOptions().trust))
    }

    func run(_ arguments: [String], home: String) async throws -> ChildProcessResult {
        let binary = try unwrap(QVDClientBinaryTests.binary)
        return try await ChildProcess.run(ChildProcessConfiguration(
            executable: binary, arguments: arguments,
            environment: .exactly(["HOME": home, "PATH": "/usr/bin:/bin"]),
            standardOutput: .collect(limit: 65_536), standardError: .collect(limit: 65_536)), timeout: .seconds(60))
    }

    @Test(.enabled(if: QVDClientBinaryTests.binary != nil)) func binaryHelpListsEveryExitCode() async throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let result = try await run(["--help"], home: home.path)
        #expect(result.status == .exited(0))
        let text = result.standardOutput?.text ?? ""
        for code in ClientExitCode.allCases {
            #expect(text.contains(" \(code.rawValue)  \(code.description)\n"), "exit status \(code.rawValue) in --help")
        }
        #expect(text.contains("Examples:"))
        #expect(text.contains("Environment:"))
    }

    @Test(.enabled(if: QVDClientBinaryTests.binary != nil)) func binaryTrust() async throws {
        let server = try await FakeL7R.start { _ in [.close] }
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let common = ["--trust", "-h", "127.0.0.1", "-p", String(server.port)]

        let refused = try await run(common, home: home.path)
        #expect(refused.status == .exited(ClientExitCode.untrustedCertificate.rawValue))
        let refusal = refused.standardError?.text ?? ""
        #expect(refusal.hasPrefix("Certificate of 127.0.0.1:\(server.port):\n  subject:     CN=localhost\n"))
        #expect(refusal.hasSuffix("qvdclient --trust -h 127.0.0.1 -p \(server.port) --pin \(server.fingerprint.pinForm))\n"))

        let saved = try await run(common + ["--pin", server.fingerprint.pinForm], home: home.path)
        #expect(saved.status == .exited(0))
        #expect(saved.standardError?.text.hasSuffix("Saved to \(home.path)/.qvd/accepted_certs.json: qvdclient will trust this certificate from now on.\n") == true)
        #expect(saved.standardOutput?.text == "")
        await server.stop()
        #expect(try CertificatePinStore(path: home.path + "/.qvd/accepted_certs.json").fingerprints == [server.fingerprint])
        #expect(server.requests.isEmpty)
    }
}
