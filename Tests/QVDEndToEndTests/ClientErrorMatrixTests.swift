import Foundation
import QVDClient
import QVDCore
import QVDL7RStub
import Testing
import QVDTestSupport

/// Issue 4, "Must show", errors: the built `qvdclient` against the built `qvd-l7r-stub`
/// (TLS, its self-signed certificate), one failure at a time. Each gives a distinct exit
/// status (`ClientExitCode`), one `qvdclient:` line on stderr naming the phase, the cause
/// and the fix, and writes nothing under `HOME` but the log: no slave key or port, and
/// the pin store byte for byte as before.
///
/// None of these failures reaches a VMA (as with upstream's L7R, which refuses them before
/// `x_start` or fails to reach the VMA), so no agent runs: "VM unavailable" is a VM whose
/// VMA address has nothing listening, which the stub tries `x_start` on and gives up.
@Suite(.serialized, .enabled(if: EndToEndBinaries.clientAndStubBuilt, "needs the built qvdclient and qvd-l7r-stub"))
struct ClientErrorMatrixTests {
    enum Failure: String, CaseIterable, Sendable {
        case wrongPassword, unknownVM, blockedVM, vmUnavailable, stubDown
        case untrustedCertificate, wrongPin, pinnedCertificateChanged

        /// The exit status the client documents for it.
        var exitCode: ClientExitCode {
            switch self {
            case .wrongPassword: .authentication
            case .unknownVM: .noSuchVM
            case .blockedVM: .vmBlocked
            case .vmUnavailable: .vmUnavailable
            case .stubDown: .network
            case .untrustedCertificate, .wrongPin: .untrustedCertificate
            case .pinnedCertificateChanged: .certificateChanged
            }
        }

        /// Whether the user's pin store already trusts the stub's certificate.
        var storeTrustsStub: Bool {
            switch self {
            case .untrustedCertificate, .wrongPin, .pinnedCertificateChanged: false
            default: true
            }
        }
    }

    static let password = "alice-e2e-password"

    /// "TLS mismatch" is one cause whether no pin or a wrong pin was given; every other
    /// cause has its own status.
    @Test func everyCauseHasItsOwnExitStatus() {
        let causes = Dictionary(grouping: Failure.allCases, by: \.exitCode)
        #expect(causes.count == Failure.allCases.count - 1)
        #expect(causes[.untrustedCertificate] == [.untrustedCertificate, .wrongPin])
        #expect(!causes.keys.contains(.success))
    }

    @Test(arguments: Failure.allCases)
    func failureIsOneLineWithItsExitStatusAndLeavesOnlyTheLog(_ failure: Failure) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("qvd-e2e-errors-\(UUID().uuidString)").path
        let home = root + "/home"
        try FileManager.default.createDirectory(atPath: home + "/.qvd", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }

        let stubPort = try TestNetwork.freePort()
        let deadVMAPort = try TestNetwork.freePort()
        let accounts = L7RStubProcess.accounts(login: "alice", password: Self.password, machines: [
            L7RStubProcess.machine(id: 1, name: "Desktop-1", owner: "alice", vmaPort: deadVMAPort),
            L7RStubProcess.machine(id: 2, name: "Blocked", owner: "alice", vmaPort: deadVMAPort, blocked: true),
            L7RStubProcess.machine(id: 3, name: "NoVMA", owner: "alice", vmaPort: deadVMAPort),
        ])
        let stub = try await L7RStubProcess.start(port: stubPort, directory: root + "/stub", stateDirectory: root + "/state",
                                                  accounts: accounts)
        defer { Task { await stub.stop() } }
        let stubFingerprint = try #require(CertificateFingerprint(pin: stub.pin))

        // The pin store as the user has it before the run.
        let storePath = home + "/.qvd/accepted_certs.json"
        if failure.storeTrustsStub {
            var store = try CertificatePinStore(path: storePath)
            store.add(stubFingerprint, commonName: "qvd-l7r-stub")
            try store.save()
        } else if failure == .pinnedCertificateChanged {
            // Accepted earlier for the same name; the server now shows another certificate.
            let earlier = try await L7RTLSMaterial.selfSigned(in: root + "/earlier-state").material
            var store = try CertificatePinStore(path: storePath)
            store.add(try #require(CertificateFingerprint(hex: earlier.fingerprint)), commonName: "qvd-l7r-stub")
            try store.save()
        }
        let storeBefore = FileManager.default.contents(atPath: storePath)

        var port = stubPort
        var password = Self.password
        var vm = "1"
        var pins: [String] = []
        switch failure {
        case .wrongPassword: password = "not-the-password"
        case .unknownVM: vm = "99"
        case .blockedVM: vm = "2"
        case .vmUnavailable: vm = "3"
        case .stubDown:
            await stub.stop()
            port = try TestNetwork.freePort()
        case .untrustedCertificate, .pinnedCertificateChanged: break
        case .wrongPin: pins = ["--pin", "sha256:" + String(repeating: "ab", count: 32)]
        }
        let client = QVDClientProcess(home: home, display: ":99", password: password)
        let result = try await client.run(["-h", "127.0.0.1", "-p", String(port), "-u", "alice", "-s", vm] + pins)

        #expect(result.status == .exited(failure.exitCode.rawValue), "\(failure): \(result.standardError?.text ?? "")")
        // Not on a terminal, the server's progress texts come first, one plain line each
        // (`qvdclient: <text> (<seconds> s)`); the error is the last line, and the only other.
        let stderr = result.standardError?.text ?? ""
        #expect(stderr.hasSuffix("\n"), "\(stderr)")
        let lines = stderr.split(separator: "\n")
        let line = String(lines.last ?? "")
        let progress = lines.dropLast()
        #expect(progress.allSatisfy { $0.wholeMatch(of: /qvdclient: .+ \(\d+\.\d s\)/) != nil }, "\(stderr)")
        #expect(progress.isEmpty == (failure != .vmUnavailable), "only the VM that fails to start shows progress: \(stderr)")
        // The fix comes last, in parentheses.
        #expect(line.hasSuffix(")"), "\(line)")
        #expect(result.standardOutput?.text == "")

        switch failure {
        case .wrongPassword:
            #expect(line == "qvdclient: listing the VMs: 127.0.0.1 refused the login (401) (check the user name and password, or the token)")
        case .unknownVM:
            #expect(line == "qvdclient: choosing the VM: VM 99 is not among your VMs (1 Desktop-1, 2 Blocked, 3 NoVMA) (list them with -l)")
        case .blockedVM:
            #expect(line == "qvdclient: connecting to the VM: VM 2 is blocked for maintenance (403): The requested virtual machine is offline for maintenance (retry later or ask the administrator)")
        case .vmUnavailable:
            #expect(line == "qvdclient: connecting to the VM: VM 3 is not available (503): The requested virtual machine is not available: Unable to start X session on VM 3: VMA 127.0.0.1:\(deadVMAPort) x_start: cannot connect (connection refused); is qvd-vma running there?, retry later. (retry later)")
        case .stubDown:
            #expect(line == "qvdclient: connecting to the server: cannot reach 127.0.0.1:\(port): connection refused (check the host name and port, and that the server runs)")
        case .untrustedCertificate, .wrongPin:
            #expect(line.hasPrefix("qvdclient: checking the server's certificate: "), "\(line)")
            #expect(line.contains(stubFingerprint.openSSLForm), "names the certificate: \(line)")
            #expect(line.contains("--pin \(stub.pin)"), "names the fix: \(line)")
        case .pinnedCertificateChanged:
            #expect(line.hasPrefix("qvdclient: checking the server's certificate: "), "\(line)")
            #expect(line.contains("changed"), "\(line)")
            #expect(line.contains(stubFingerprint.openSSLForm), "\(line)")
            #expect(line.contains("--pin \(stub.pin)"), "names the fix: \(line)")
        }

        // Nothing but the log was written; the pin store is as it was.
        let expectedFiles = storeBefore == nil ? [".qvd/qvd-client.log"] : [".qvd/accepted_certs.json", ".qvd/qvd-client.log"]
        #expect(client.filesInHome() == expectedFiles)
        #expect(FileManager.default.contents(atPath: storePath) == storeBefore)
        let log = (try? String(contentsOfFile: home + "/.qvd/qvd-client.log", encoding: .utf8)) ?? ""
        #expect(log.contains("exit=\(failure.exitCode.rawValue)"), "\(log)")
        #expect(!log.contains(password))
        await stub.stop()
    }
}
