import Foundation
import NIOPosix
import Testing
@testable import QVDClient

/// Trusting a certificate nobody vouches for (issue 4), against `FakeL7R` (a fake standing
/// in for the L7R, self-signed `CN=localhost`): `qvdclient --trust` with and without a
/// terminal and `--pin`, and the question asked during a normal connect, answered by a
/// scripted console.
@Suite(.serialized) struct CertificateTrustTests {
    func trustSettings(port: Int, home: String, host: String = "127.0.0.1", pins: [String] = []) throws -> ClientSettings {
        var options = ClientOptions()
        options.host = host
        options.port = port
        options.trust = true
        options.pins = pins
        return try ClientSettings.resolve(options: options, environment: [:], home: home, systemFile: nil)
    }

    func trust(_ settings: ClientSettings, console: TestConsole) async throws(ClientError) -> CertificateTrustSession.Outcome {
        try await CertificateTrustSession(settings: settings, console: console, group: MultiThreadedEventLoopGroup.singleton).run()
    }

    func storePath(_ home: TemporaryDirectory) -> String { home.path + "/.qvd/accepted_certs.json" }

    func expectDetails(_ console: TestConsole, _ server: FakeL7R) {
        #expect(console.statuses.contains("  subject:     CN=localhost"))
        #expect(console.statuses.contains("  issuer:      CN=localhost (self-signed)"))
        #expect(console.statuses.contains { $0.hasPrefix("  valid:       20") && $0.hasSuffix(" UTC") })
        #expect(console.statuses.contains("  fingerprint: \(server.fingerprint)"))
    }

    @Test func trustNeedsNoLogin() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let settings = try trustSettings(port: 8443, home: home.path)
        #expect(settings.action == .trust)
        #expect(settings.credentials == nil)
    }

    @Test func notOnATerminalRefusesAndNamesThePin() async throws {
        let server = try await FakeL7R.start { _ in [.close] }
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let console = TestConsole()
        let error = await #expect(throws: ClientError.self) {
            try await trust(try trustSettings(port: server.port, home: home.path), console: console)
        }
        await server.stop()
        #expect(error?.code == .untrustedCertificate)
        #expect(error?.hint == "compare the fingerprint with the one your administrator gives, then run: qvdclient --trust -h 127.0.0.1 -p \(server.port) --pin \(server.fingerprint.pinForm)")
        #expect(console.statuses.first == "Certificate of 127.0.0.1:\(server.port):")
        expectDetails(console, server)
        #expect(server.requests.isEmpty, "no HTTP is sent")
        #expect(!FileManager.default.fileExists(atPath: storePath(home)))
    }

    @Test func matchingPinIsSavedWrongPinRefused() async throws {
        let server = try await FakeL7R.start { _ in [.close] }
        let home = try TemporaryDirectory()
        defer { home.remove() }

        let wrong = "sha256:" + String(repeating: "ab", count: 32)
        let refused = await #expect(throws: ClientError.self) {
            try await trust(try trustSettings(port: server.port, home: home.path, pins: [wrong]), console: TestConsole())
        }
        #expect(refused?.code == .untrustedCertificate)
        #expect(refused?.message == "127.0.0.1 presents the certificate \(server.fingerprint.pinForm), not the one given with --pin (\(wrong))")
        #expect(!FileManager.default.fileExists(atPath: storePath(home)))

        let console = TestConsole()
        let outcome = try await trust(try trustSettings(port: server.port, home: home.path, pins: [server.fingerprint.pinForm]), console: console)
        #expect(outcome == .pinned)
        #expect(console.statuses.last == "Saved to \(storePath(home)): qvdclient will trust this certificate from now on.")
        let store = try CertificatePinStore(path: storePath(home))
        #expect(store.fingerprints == [server.fingerprint])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: storePath(home)))) as? [String: Any])
        let entry = try #require(json["sha256$" + server.fingerprint.openSSLForm] as? [String: Any])
        #expect((entry["description"] as? [String: Any])?["cn"] as? String == "localhost")

        let again = TestConsole()
        #expect(try await trust(try trustSettings(port: server.port, home: home.path, pins: [server.fingerprint.pinForm]), console: again) == .alreadyPinned)
        #expect(again.statuses.contains("It is already pinned in \(storePath(home))."))
        #expect(try await trust(try trustSettings(port: server.port, home: home.path), console: TestConsole()) == .alreadyPinned)

        // A pinned certificate now opens a normal connection with no --pin.
        var options = ClientOptions()
        options.host = "127.0.0.1"
        options.port = server.port
        options.login = "alice"
        options.password = "x"
        let settings = try ClientSettings.resolve(options: options, environment: [:], home: home.path, systemFile: nil)
        let channel = try await L7RConnector(settings: settings, console: TestConsole(), group: MultiThreadedEventLoopGroup.singleton).connect()
        await channel.closeUnused()
        #expect(server.requests.isEmpty)
        await server.stop()
    }

    @Test(arguments: [
        (["always"], CertificateTrustSession.Outcome.pinned, true),
        (["a"], .pinned, true),
        (["maybe", "ALWAYS"], .pinned, true),
        (["once"], .acceptedOnce, false),
    ])
    func onATerminal(answers: [String], outcome: CertificateTrustSession.Outcome, saved: Bool) async throws {
        let server = try await FakeL7R.start { _ in [.close] }
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let console = TestConsole(interactive: true, answers: answers)
        #expect(try await trust(try trustSettings(port: server.port, home: home.path), console: console) == outcome)
        await server.stop()
        expectDetails(console, server)
        #expect(console.statuses.contains("It is not trusted yet."))
        #expect(console.statuses.filter { $0.hasPrefix("  fingerprint: ") }.count == 1, "details shown once")
        #expect(console.statuses.contains("Please answer once, always or no.") == (answers.count > 1))
        #expect(FileManager.default.fileExists(atPath: storePath(home)) == saved)
    }

    @Test(arguments: [["no"], [""], ["x", "y", "z"], []])
    func onATerminalRefused(answers: [String]) async throws {
        let server = try await FakeL7R.start { _ in [.close] }
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let error = await #expect(throws: ClientError.self) {
            try await trust(try trustSettings(port: server.port, home: home.path), console: TestConsole(interactive: true, answers: answers))
        }
        await server.stop()
        #expect(error?.code == .untrustedCertificate)
        #expect(error?.message == "the certificate of 127.0.0.1 (\(server.fingerprint)) was not accepted")
        #expect(!FileManager.default.fileExists(atPath: storePath(home)))
    }

    @Test func signedByAPersonalCAForThisName() async throws {
        let server = try await FakeL7R.start { _ in [.close] }
        let home = try TemporaryDirectory()
        defer { home.remove() }
        _ = try home.write(try String(contentsOfFile: server.directory.path + "/c", encoding: .utf8), to: ".qvd/certs/fake.pem")
        let console = TestConsole()
        #expect(try await trust(try trustSettings(port: server.port, home: home.path, host: "localhost"), console: console) == .trustedByCA)
        await server.stop()
        #expect(console.statuses.last == "It is signed by a CA this client trusts, for the name localhost: no pin is needed.")
        #expect(!FileManager.default.fileExists(atPath: storePath(home)))
    }

    @Test func networkErrorsAreNotCertificateErrors() async throws {
        let server = try await FakeL7R.start { _ in [.close] }
        let port = server.port
        await server.stop()
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let error = await #expect(throws: ClientError.self) {
            try await trust(try trustSettings(port: port, home: home.path), console: TestConsole())
        }
        #expect(error?.code == .network)
    }

    // MARK: - The question during a normal connect

    func connectSettings(port: Int, home: String) throws -> ClientSettings {
        var options = ClientOptions()
        options.host = "127.0.0.1"
        options.port = port
        options.login = "alice"
        options.password = QVDClientSessionTests.password
        options.list = true
        return try ClientSettings.resolve(options: options, environment: [:], home: home, systemFile: nil)
    }

    @Test func connectAsksAndAlwaysSaves() async throws {
        let server = try await FakeL7R.start(script: QVDClientSessionTests.script { _ in [.close] })
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let console = TestConsole(interactive: true, answers: ["always"])
        _ = try await QVDClientSession(settings: try connectSettings(port: server.port, home: home.path), console: console,
                                       launcher: NoNXProxy(), group: MultiThreadedEventLoopGroup.singleton).run()
        #expect(console.statuses.first == "The server 127.0.0.1:\(server.port) presents a certificate that no trusted CA vouches for (for this name) and that is not pinned:")
        expectDetails(console, server)
        #expect(console.output.contains("Desktop-2"))
        #expect(try CertificatePinStore(path: storePath(home)).fingerprints == [server.fingerprint])

        // Saved: the next run asks nothing.
        let quiet = TestConsole(interactive: true)
        _ = try await QVDClientSession(settings: try connectSettings(port: server.port, home: home.path), console: quiet,
                                       launcher: NoNXProxy(), group: MultiThreadedEventLoopGroup.singleton).run()
        #expect(quiet.statuses.isEmpty)
        #expect(quiet.output.contains("Desktop-2"))
        await server.stop()
    }

    @Test func connectAnsweredNoSendsNothing() async throws {
        let server = try await FakeL7R.start(script: QVDClientSessionTests.script { _ in [.close] })
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let console = TestConsole(interactive: true, answers: ["no"])
        let error = await #expect(throws: ClientError.self) {
            try await QVDClientSession(settings: try connectSettings(port: server.port, home: home.path), console: console,
                                       launcher: NoNXProxy(), group: MultiThreadedEventLoopGroup.singleton).run()
        }
        await server.stop()
        #expect(error?.code == .untrustedCertificate)
        #expect(server.requests.isEmpty, "no password sent to a refused server")
        #expect(!FileManager.default.fileExists(atPath: storePath(home)))
    }
}
