#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QVDCore
import QVDSlave
import Testing

/// The built `qvd-client-slaveserver`, driven as nxproxy drives it: a fresh process per
/// connection, the stream on stdin/stdout, HOME holding the session's `.qvd/slave-key`.
@Suite(.serialized) struct ClientSlaveServerProcessTests {
    final class ClientHome: Sendable {
        let home: String
        let bin: String
        let record: String

        init(openURL: Bool) throws {
            home = try SlaveTestSupport.makeTemporaryDirectory("client-home")
            mkdir(home + "/.qvd", 0o700)
            try SlaveTestSupport.write(SlaveTestSupport.key, to: home + "/.qvd/slave-key")
            try SlaveTestSupport.write("client.slave.open_url = \(openURL ? 1 : 0)\n", to: home + "/.qvd/client.conf")
            bin = home + "/bin"
            mkdir(bin, 0o755)
            record = home + "/opened-urls.txt"
            // Stands in for xdg-open: there is no desktop here; it records its argv.
            try SlaveTestSupport.write("#!/bin/sh\nprintf '%s\\n' \"$*\" >> '\(record)'\n", to: bin + "/xdg-open", mode: 0o755)
        }

        var environment: [String: String] {
            ["HOME": home, "PATH": bin + ":" + ChildProcessEnvironment.defaultPath]
        }

        func opened() -> [String] {
            ((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        func cleanUp() { try? FileManager.default.removeItem(atPath: home) }
    }

    @Test func answersPingAndVersionWithTheKey() async throws {
        let home = try ClientHome(openURL: false)
        defer { home.cleanUp() }
        let server = try await SlaveServerProcess(program: SlaveTestSupport.clientServer, environment: home.environment)
        let ping = try await server.exchange(.request("GET /ping HTTP/1.1"))
        #expect(ping.head.status == .ok)
        #expect(ping.body == "Pong!\n")
        let version = try await server.exchange(.request("GET /version HTTP/1.1"))
        #expect(version.body == "\(QVDVersion.string)\nfeatures: ping version\n")
        let portcheck = try await server.exchange(.request("GET /tcp/portcheck/22 HTTP/1.1"))
        #expect(portcheck.head.status == .notFound)
        let url = try await server.exchange(.request("POST /open-url HTTP/1.1", ["Content-Length: 19"]) + "https://example.org")
        #expect(url.head.status == .forbidden)
        _ = await server.finish()
        try await Task.sleep(for: .milliseconds(200))
        #expect(home.opened().isEmpty)
    }

    @Test(arguments: [(String?.none, 401), ("Basic nope", 403), ("Basic", 403)])
    func refusesWithoutTheKey(authorization: String?, status: Int) async throws {
        let home = try ClientHome(openURL: true)
        defer { home.cleanUp() }
        let server = try await SlaveServerProcess(program: SlaveTestSupport.clientServer, environment: home.environment)
        let headers = authorization.map { ["Authorization: \($0)"] } ?? []
        let response = try await server.exchange(.request("GET /ping HTTP/1.1", headers, key: nil))
        #expect(response.head.status.code == status)
        #expect(try await server.readsEndOfStream())
        _ = await server.finish()
        let opener = try await SlaveServerProcess(program: SlaveTestSupport.clientServer, environment: home.environment)
        let refused = try await opener.exchange(.request("POST /open-url?url=https%3A%2F%2Fexample.org HTTP/1.1", headers + ["Content-Length: 0"], key: nil))
        #expect(refused.head.status.code == status)
        _ = await opener.finish()
        try await Task.sleep(for: .milliseconds(200))
        #expect(home.opened().isEmpty)
    }

    @Test func opensOnlyWebURLsWhenEnabled() async throws {
        let home = try ClientHome(openURL: true)
        defer { home.cleanUp() }
        let server = try await SlaveServerProcess(program: SlaveTestSupport.clientServer, environment: home.environment)
        let version = try await server.exchange(.request("GET /version HTTP/1.1"))
        #expect(version.body.hasSuffix("features: ping version open-url\n"))
        let good = try await server.exchange(.request("POST /open-url HTTP/1.1", ["Content-Length: 25"]) + "https://example.org/a?b=c")
        #expect(good.head.status == .ok)
        let bad = try await server.exchange(.request("POST /open-url HTTP/1.1", ["Content-Length: 11"]) + "file:///etc")
        #expect(bad.head.status == .badRequest)
        _ = await server.finish()
        #expect(await SlaveTestSupport.waitUntil { !home.opened().isEmpty })
        try await Task.sleep(for: .milliseconds(200))
        #expect(home.opened() == ["https://example.org/a?b=c"])
    }

    @Test func answers503WithoutAKeyFile() async throws {
        let home = try ClientHome(openURL: false)
        defer { home.cleanUp() }
        unlink(home.home + "/.qvd/slave-key")
        let server = try await SlaveServerProcess(program: SlaveTestSupport.clientServer, environment: home.environment)
        let response = try await server.exchange(.request("GET /ping HTTP/1.1"))
        #expect(response.head.status == .serviceUnavailable)
        let result = await server.finish()
        #expect(result?.status.exitCode == 1)
    }
}
