import Foundation
import NIOPosix
import Testing
@testable import QVDClient

/// Trust decisions against `FakeL7R` (a fake standing in for the L7R): a CA file in
/// `~/.qvd/certs` with the host name checked, then pins.
@Suite(.serialized) struct L7RConnectorTests {
    func settings(host: String, port: Int, home: String) throws -> ClientSettings {
        var options = ClientOptions()
        options.host = host
        options.port = port
        options.login = "alice"
        options.password = "x"
        return try ClientSettings.resolve(options: options, environment: [:], home: home, systemFile: nil)
    }

    @Test func personalCertificateDirectoryAndHostName() async throws {
        let server = try await FakeL7R.start { _ in [.close] }
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let pem = try String(contentsOfFile: server.directory.path + "/c", encoding: .utf8)
        _ = try home.write(pem, to: ".qvd/certs/c958cca2.0")

        // CN=localhost, dialled as localhost: trusted through ~/.qvd/certs, no pin needed.
        let connector = L7RConnector(settings: try settings(host: "localhost", port: server.port, home: home.path),
                                     console: TestConsole(), group: MultiThreadedEventLoopGroup.singleton)
        let channel = try await connector.connect()
        await channel.closeUnused()
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.qvd/accepted_certs.json"))

        // Same certificate dialled as 127.0.0.1: the name does not match, so it needs a pin.
        let byAddress = L7RConnector(settings: try settings(host: "127.0.0.1", port: server.port, home: home.path),
                                     console: TestConsole(), group: MultiThreadedEventLoopGroup.singleton)
        let error = await #expect(throws: ClientError.self) { try await byAddress.connect() }
        #expect(error?.code == .untrustedCertificate)
        #expect(error?.hint == L7RConnector.trustHint(host: "127.0.0.1", port: server.port, fingerprint: server.fingerprint))
        await server.stop()
    }
}
