import Foundation
import NIOPosix
import Testing
@testable import QVDClient

/// The whole exchange against `FakeL7R`, a fake standing in for the L7R.
@Suite(.serialized) struct QVDClientSessionTests {
    static let password = "s3cret"
    static let auth = "Authorization: Basic " + ClientCredentials.basic(login: "alice", password: password).headerValue.dropFirst(6)
    static let listBody = "[\n   {\n      \"id\" : 1,\n      \"name\" : \"Desktop-1\",\n      \"state\" : \"running\",\n      \"blocked\" : 0,\n      \"is_application\" : 0\n   },\n   {\n      \"id\" : 2,\n      \"name\" : \"Desktop-2\",\n      \"state\" : \"stopped\",\n      \"blocked\" : null,\n      \"is_application\" : 0\n   }\n]\n"

    static func body(_ status: String, _ text: String, type: String = "text/plain", extra: String = "") -> [FakeL7R.Reply] {
        [.send("HTTP/1.1 \(status)\r\n\(extra)Content-Type: \(type)\r\nContent-Length: \(text.utf8.count)\r\n\r\n"), .send(text)]
    }

    /// Upstream's answers: 401 for a bad login, the VM list, then `connect` as given.
    static func script(connect: @escaping @Sendable (String) -> [FakeL7R.Reply]) -> @Sendable (String) -> [FakeL7R.Reply] {
        { head in
            guard head.contains(auth + "\r\n") else {
                return body("401 Unauthorized", "401 Unauthorized\n", extra: "WWW-Authenticate: Basic realm=\"QVD\"\r\n")
            }
            if head.hasPrefix("GET /qvd/list_of_vm ") { return body("200 OK", listBody, type: "application/json") }
            if head.hasPrefix("GET /qvd/stop_vm?id=") { return body("200 OK", "Machine stopped\r\n") }
            if head.hasPrefix("GET /qvd/connect_to_vm?") { return connect(head) }
            return body("404 Not Found", "not found")
        }
    }

    func settings(port: Int, home: String, password: String = password, change: (inout ClientOptions) -> Void = { _ in })
        throws -> ClientSettings
    {
        var options = ClientOptions()
        options.host = "127.0.0.1"
        options.port = port
        options.login = "alice"
        options.password = password
        change(&options)
        var settings = try ClientSettings.resolve(options: options, environment: [:], home: home, systemFile: nil)
        settings.nxproxy.slaveEnabled = true
        return settings
    }

    func run(_ settings: ClientSettings, console: TestConsole, launcher: any NXProxyLauncher = NoNXProxy())
        async throws(ClientError) -> SessionEnd?
    {
        try await QVDClientSession(settings: settings, console: console, launcher: launcher,
                                   group: MultiThreadedEventLoopGroup.singleton).run()
    }

    @Test func loginAndList() async throws {
        let server = try await FakeL7R.start(script: Self.script { _ in [.close] })
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let console = TestConsole()
        let end = try await run(try settings(port: server.port, home: home.path) {
            $0.list = true
            $0.pins = [server.fingerprint.pinForm]
        }, console: console)
        await server.stop()
        #expect(end == nil)
        #expect(console.output == VMList([
            VMListEntry(id: 1, name: "Desktop-1", state: "running"),
            VMListEntry(id: 2, name: "Desktop-2", state: "stopped"),
        ]).table)
        #expect(server.requests == ["GET /qvd/list_of_vm HTTP/1.1\r\n\(Self.auth)\r\nAccept: application/json\r\nUser-Agent: qvdclient-swift/1.0 (linux)\r\n\r\n"])
    }

    @Test func wrongPassword() async throws {
        let server = try await FakeL7R.start(script: Self.script { _ in [.close] })
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let error = await #expect(throws: ClientError.self) {
            try await run(try settings(port: server.port, home: home.path, password: "wrong") {
                $0.pins = [server.fingerprint.pinForm]
            }, console: TestConsole())
        }
        await server.stop()
        #expect(error?.code == .authentication)
        #expect(error?.code.rawValue == 3)
        #expect(error?.description == "listing the VMs: 127.0.0.1 refused the login (401) (check the user name and password, or the token)")
    }

    @Test func unknownCertificateRefusedThenPinnedAndRemembered() async throws {
        let server = try await FakeL7R.start(script: Self.script { _ in [.close] })
        let home = try TemporaryDirectory()
        defer { home.remove() }

        let refused = await #expect(throws: ClientError.self) {
            try await run(try settings(port: server.port, home: home.path) { $0.list = true }, console: TestConsole())
        }
        #expect(refused?.code == .untrustedCertificate)
        #expect(refused?.message.contains(server.fingerprint.openSSLForm) == true)
        #expect(refused?.hint == L7RConnector.trustHint(host: "127.0.0.1", port: server.port, fingerprint: server.fingerprint))
        #expect(server.requests.isEmpty, "no HTTP (no password) before the certificate is accepted")

        // --pin accepts it and saves it to the pin store...
        _ = try await run(try settings(port: server.port, home: home.path) {
            $0.list = true
            $0.pins = [server.fingerprint.pinForm]
        }, console: TestConsole())
        let store = try CertificatePinStore(path: home.path + "/.qvd/accepted_certs.json")
        #expect(store.fingerprints == [server.fingerprint])

        // ...so the next run needs no --pin.
        let console = TestConsole()
        _ = try await run(try settings(port: server.port, home: home.path) { $0.list = true }, console: console)
        #expect(console.output.contains("Desktop-2"))

        // A different pin does not open the door for this certificate.
        let other = try TemporaryDirectory()
        defer { other.remove() }
        let wrongPin = await #expect(throws: ClientError.self) {
            try await run(try settings(port: server.port, home: other.path) {
                $0.list = true
                $0.pins = ["sha256:" + String(repeating: "00", count: 32)]
            }, console: TestConsole())
        }
        #expect(wrongPin?.code == .untrustedCertificate)
        await server.stop()
    }

    @Test func interactiveAcceptOnceDoesNotStore() async throws {
        let server = try await FakeL7R.start(script: Self.script { _ in [.close] })
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let console = TestConsole(interactive: true, answers: ["once"])
        _ = try await run(try settings(port: server.port, home: home.path) { $0.list = true; $0.json = true }, console: console)
        await server.stop()
        #expect(console.statuses.contains("  fingerprint: \(server.fingerprint)"))
        #expect(console.output == #"[{"id":1,"name":"Desktop-1","state":"running","blocked":0,"is_application":0},{"id":2,"name":"Desktop-2","state":"stopped","blocked":0,"is_application":0}]"# + "\n")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.qvd/accepted_certs.json"))
    }

    @Test func noCertificateCheckWarns() async throws {
        let server = try await FakeL7R.start(script: Self.script { _ in [.close] })
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let console = TestConsole()
        _ = try await run(try settings(port: server.port, home: home.path) { $0.list = true; $0.noCertificateCheck = true }, console: console)
        await server.stop()
        #expect(console.statuses.first?.hasPrefix("warning: -n given") == true)
        #expect(console.output.contains("Desktop-1"))
    }

    @Test func serverDown() async throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let server = try await FakeL7R.start(script: Self.script { _ in [.close] })
        let port = server.port
        await server.stop()
        let error = await #expect(throws: ClientError.self) {
            try await run(try settings(port: port, home: home.path), console: TestConsole())
        }
        #expect(error?.code == .network)
        #expect(error?.phase == .connecting)
    }

    @Test func progressThen101ThenBridge64KiBEachWay() async throws {
        let down = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let up = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) }
        let key = String(repeating: "K", count: 64)
        let server = try await FakeL7R.start(script: Self.script { _ in
            // The 101 and the first NX bytes in one write: nothing past the 101 may be lost.
            [.send("HTTP/1.1 102 Processing\r\nX-QVD-VM-Info: Session acquired for VM_ID: 2\r\n\r\n"),
             .send("HTTP/1.1 102 Processing\r\nX-QVD-VM-Info: Connection established\r\n\r\n"),
             .stream,
             .sendBytes(Array("HTTP/1.1 101 Switching Protocols\r\nX-QVD-Slave-Key: \(key)\r\n\r\n".utf8) + down)]
        })
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let fake = FakeNXProxy(toSend: up, expect: down.count, keyPath: home.path + "/.qvd/slave-key") { server.streamBytes.count }
        let console = TestConsole()
        let end = try await run(try settings(port: server.port, home: home.path) {
            $0.pins = [server.fingerprint.pinForm]
            $0.vmID = "2"
            $0.restart = true
        }, console: console, launcher: fake)
        await server.stop()

        #expect(end == .localClosed)
        // Not a terminal: one line per 102 with the seconds since the request (ConnectProgress).
        let progress = console.statuses.filter { $0.hasPrefix("qvdclient: ") }
        #expect(progress.count == 2)
        #expect(progress.first?.hasPrefix("qvdclient: Session acquired for VM_ID: 2 (") == true)
        #expect(progress.last?.hasPrefix("qvdclient: Connection established (") == true)
        #expect(progress.allSatisfy { $0.wholeMatch(of: /qvdclient: .+ \(\d+\.\d s\)/) != nil })
        #expect(fake.received == down)
        #expect(server.streamBytes == up)
        #expect(fake.slaveKeySeen == key)
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.qvd/slave-key"))
        let ports = try #require(fake.launchedWith)
        #expect(ports.0 > 4000)
        #expect(ports.1 != nil)
        let requests = server.requests
        #expect(requests.count == 3)
        #expect(requests[1].hasPrefix("GET /qvd/stop_vm?id=2 HTTP/1.1\r\n"))
        #expect(requests[2].hasPrefix("GET /qvd/connect_to_vm?id=2&qvd.client.os=linux&qvd.client.keyboard=pc105%2Fus&qvd.client.link=adsl&qvd.client.geometry=1024x768&qvd.client.fullscreen=0 HTTP/1.1\r\n"))
        #expect(requests[2].contains("\r\nConnection: Upgrade\r\nUpgrade: QVD/1.0\r\n"))
    }

    @Test func ctrlCEndsTheSessionCleanly() async throws {
        let server = try await FakeL7R.start(script: Self.script { _ in
            [.send("HTTP/1.1 101 Switching Protocols\r\nX-QVD-Slave-Key: abc\r\n\r\n"), .stream]
        })
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let fake = FakeNXProxy(toSend: [], expect: 1, keyPath: home.path + "/.qvd/slave-key") { 0 }
        let interrupter = SessionInterrupter()
        let settings = try settings(port: server.port, home: home.path) {
            $0.pins = [server.fingerprint.pinForm]
            $0.firstVM = true
        }
        async let end = QVDClientSession(settings: settings, console: TestConsole(), launcher: fake,
                                         group: MultiThreadedEventLoopGroup.singleton, interrupter: interrupter).run()
        let deadline = ContinuousClock.now + .seconds(10)
        while fake.launchedWith == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(200))
        interrupter.interrupt()
        #expect(try await end == .interrupted)
        #expect(fake.slaveKeySeen == "abc")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.qvd/slave-key"))
        await server.stop()
    }

    @Test func serverCloseEndsTheSessionAndDebugTraces() async throws {
        let server = try await FakeL7R.start(script: Self.script { _ in
            [.send("HTTP/1.1 101 Switching Protocols\r\nX-QVD-Slave-Key: abc\r\n\r\n"), .send("NX"), .close]
        })
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let fake = FakeNXProxy(toSend: [], expect: 1_000, keyPath: home.path + "/.qvd/slave-key") { 0 }
        let console = TestConsole()
        let end = try await run(try settings(port: server.port, home: home.path) {
            $0.pins = [server.fingerprint.pinForm]
            $0.vmID = "1"
            $0.debug = true
        }, console: console, launcher: fake)
        await server.stop()
        #expect(end == .serverClosed)
        #expect(fake.received == Array("NX".utf8))
        let debug = console.statuses.filter { $0.hasPrefix("debug: ") }
        #expect(debug == [
            "debug: > GET /qvd/list_of_vm", "debug: < 200 OK",
            "debug: > GET /qvd/connect_to_vm?id=1&qvd.client.os=linux&qvd.client.keyboard=pc105%2Fus&qvd.client.link=adsl&qvd.client.geometry=1024x768&qvd.client.fullscreen=0",
            "debug: < 101 Switching Protocols",
        ])
        #expect(!console.statuses.joined().contains(Self.password))
    }

    /// With the real `/usr/bin/nxproxy -S … localhost:<P-4000>`: after the 101 it connects
    /// to our listener and its 49-byte greeting reaches the L7R side
    /// (`upstream-clients-observed.md` §6).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/nxproxy")))
    func realNXProxyGreetingReachesTheServer() async throws {
        let server = try await FakeL7R.start(script: Self.script { _ in
            [.send("HTTP/1.1 101 Switching Protocols\r\nX-QVD-Slave-Key: abc\r\n\r\n"), .stream]
        })
        let home = try TemporaryDirectory()
        defer { home.remove() }
        var settings = try settings(port: server.port, home: home.path) {
            $0.pins = [server.fingerprint.pinForm]
            $0.vmID = "1"
        }
        settings.nxproxy = NXProxySettings(executable: "/usr/bin/nxproxy")
        let launcher = NXProxyCommandLauncher(settings: settings.nxproxy,
                                              extraEnvironment: ["HOME": home.path, "NX_HOME": home.path, "DISPLAY": ":77"])
        let interrupter = SessionInterrupter()
        async let end = QVDClientSession(settings: settings, console: TestConsole(), launcher: launcher,
                                         group: MultiThreadedEventLoopGroup.singleton, interrupter: interrupter).run()
        let deadline = ContinuousClock.now + .seconds(15)
        while server.streamBytes.count < 49, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        interrupter.interrupt()
        #expect(try await end == .interrupted)
        await server.stop()
        #expect(String(decoding: server.streamBytes.prefix(49), as: UTF8.self)
            == "NXPROXY-3.5.0-3.5.99 stream=default,data=default ")
    }

    static let connectFailures: [(String, [FakeL7R.Reply], ClientExitCode)] = [
        ("unknown VM", body("404 Not Found", "The requested virtual machine does not exist"), .noSuchVM),
        ("blocked VM", body("403 Forbidden", "The requested virtual machine is offline for maintenance"), .vmBlocked),
        ("unavailable", [.send("HTTP/1.1 102 Processing\r\nX-QVD-VM-Info: Starting virtual machine\r\n\r\n")]
            + body("503 Service Unavailable", "The requested virtual machine is not available: VM didn't reach state 'running'. Timeout, retry later."), .vmUnavailable),
        ("close after 102", [.send("HTTP/1.1 102 Processing\r\nX-QVD-VM-Info: Starting X session at VM 1\r\n\r\n"), .close], .vmUnavailable),
        ("real malformed 404", [.send("HTTP/1.1 404 Not Found\r\n403 Forbidden\r\nThe requested virtual machine is offline for maintenance\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"), .send("404 N")], .noSuchVM),
    ]

    @Test(arguments: 0..<connectFailures.count)
    func connectFailure(index: Int) async throws {
        let (name, replies, code) = Self.connectFailures[index]
        let server = try await FakeL7R.start(script: Self.script { _ in replies })
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let error = await #expect(throws: ClientError.self) {
            try await run(try settings(port: server.port, home: home.path) {
                $0.pins = [server.fingerprint.pinForm]
                $0.firstVM = true
            }, console: TestConsole())
        }
        await server.stop()
        #expect(error?.code == code, "\(name): \(String(describing: error))")
        #expect(error?.phase == .connectingVM, "\(name)")
    }

    @Test func severalVMsNotOnATerminal() async throws {
        let server = try await FakeL7R.start(script: Self.script { _ in [.close] })
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let error = await #expect(throws: ClientError.self) {
            try await run(try settings(port: server.port, home: home.path) { $0.pins = [server.fingerprint.pinForm] },
                          console: TestConsole())
        }
        await server.stop()
        #expect(error?.code == .usage)
        #expect(error?.description == "choosing the VM: you have several VMs (1 Desktop-1, 2 Desktop-2) (choose one with -s ID or -o)")
    }
}
