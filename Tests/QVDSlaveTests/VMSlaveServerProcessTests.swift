#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QVDCore
import QVDSlave
import SystemPackage
import Testing

/// The built `qvd-vma-slaveserver`, driven as nxagent drives it: a fresh process per
/// connection, the stream on stdin/stdout of a socketpair, nxagent-like environment
/// (HOME, PATH, DISPLAY; QVD_VMA_CONFIG points at a temporary vma.conf).
@Suite(.serialized) struct VMSlaveServerProcessTests {
    /// An sshfs stand-in that answers `--version` like Debian's and records its argv.
    static func fakeSSHFS(in home: VMTestHome) throws -> (program: String, record: String) {
        let record = home.root + "/sshfs-argv.txt"
        let program = home.root + "/fake-sshfs"
        try SlaveTestSupport.write("""
            #!/bin/sh
            if [ "$1" = "--version" ]; then echo "SSHFS version 3.7.3"; exit 0; fi
            printf '%s\\n' "$@" > '\(record)'
            """, to: program, mode: 0o755)
        return (program, record)
    }

    static let authorizations: [(String?, Int)] = [
        (nil, 401),
        ("Basic WRONG-KEY", 403),
        ("Basic " + String(SlaveTestSupport.key.dropLast()), 403),
        ("Bearer " + SlaveTestSupport.key, 403),
        ("basic " + SlaveTestSupport.key, 200),
        ("Basic " + SlaveTestSupport.key, 200),
    ]

    @Test(arguments: authorizations)
    func authenticatesEveryRequest(authorization: String?, status: Int) async throws {
        let home = try VMTestHome()
        let server = try await SlaveServerProcess(program: SlaveTestSupport.vmaServer, environment: home.environment)
        var headers: [String] = []
        if let authorization { headers.append("Authorization: \(authorization)") }
        let response = try await server.exchange(.request("GET /shares HTTP/1.1", headers, key: nil))
        #expect(response.head.status.code == status)
        if status == 401 {
            #expect(response.head.headers["WWW-Authenticate"] == "Basic realm=\"QVD\"")
        }
        if status == 200 {
            #expect(response.body == "[]")
        } else {
            // A refusal ends the conversation: the server closes the stream.
            #expect(try await server.readsEndOfStream())
        }
        let result = await server.finish()
        #expect(result?.status.exitCode == 0)
        #expect(!home.log().contains(SlaveTestSupport.key))
        await home.cleanUp()
    }

    @Test func refusedShareRequestsCreateNothing() async throws {
        let home = try VMTestHome()
        for request in [
            String.request("PUT /shares//home/alice HTTP/1.1", ["Connection: Upgrade", "Upgrade: qvd:sftp/1.0"], key: nil),
            String.request("PUT /shares//home/alice HTTP/1.1", ["Authorization: Basic nope", "Connection: Upgrade", "Upgrade: qvd:sftp/1.0"], key: nil),
            String.request("PUT /shares//home/alice HTTP/1.1", ["Connection: Upgrade", "Upgrade: qvd:usbip/1.0"]),
        ] {
            let server = try await SlaveServerProcess(program: SlaveTestSupport.vmaServer, environment: home.environment)
            let response = try await server.exchange(request)
            #expect([400, 401, 403].contains(response.head.status.code))
            _ = await server.finish()
        }
        #expect(!FileManager.default.fileExists(atPath: home.redirected))
        await home.cleanUp()
    }

    static let hostileNames: [(String, String)] = [
        ("/shares//home/alice", "alice"),
        ("/shares/..", "__"),
        ("/shares/a/../..", "__"),
        ("/shares/%2E%2E", "__"),
        ("/shares/", "Root"),
        ("/shares/C:\\", "C"),
        ("/shares//tmp/x%0D%0AX-Injected:%201", "x__X-Injected: 1"),
        ("/shares//tmp/sub%2F..%2F..%2Fetc", "etc"),
        ("/shares//tmp/" + String(repeating: "n", count: 300), String(repeating: "n", count: 200)),
    ]

    @Test(arguments: hostileNames)
    func namesSharesSafely(target: String, ticket: String) async throws {
        let home = try VMTestHome()
        let sshfs = try Self.fakeSSHFS(in: home)
        let config = try String(contentsOfFile: home.configFile, encoding: .utf8)
        try SlaveTestSupport.write(config.replacingOccurrences(of: "command.sshfs = /usr/bin/sshfs", with: "command.sshfs = \(sshfs.program)"),
                                   to: home.configFile)
        let server = try await SlaveServerProcess(program: SlaveTestSupport.vmaServer, environment: home.environment)
        let response = try await server.exchange(.request("PUT \(target) HTTP/1.1", ["Connection: Upgrade", "Upgrade: qvd:sftp/1.0"]))
        #expect(response.head.status == .switchingProtocols)
        #expect(response.head.headers["X-QVD-Share-Ticket"] == ticket)
        let result = await server.finish()
        #expect(result?.status.exitCode == 0)
        // Exactly one new directory, inside ~/Redirected, named as the ticket.
        #expect(try FileManager.default.contentsOfDirectory(atPath: home.redirected) == [ticket])
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: home.home)).isSubset(of: ["Redirected", ".qvd"]))
        let argv = try String(contentsOfFile: sshfs.record, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(argv == ["qvd-client:", home.redirected + "/" + ticket, "-o", "passive", "-o", "uid=\(getuid())",
                         "-o", "gid=\(getgid())", "-o", "idmap=user"])
        await home.cleanUp()
    }

    /// Upstream's Qt client ends lines with LF only; the Perl client sends the share path
    /// raw (spaces and UTF-8 included, `upstream-slave-channel.md` §2.1, §2.2 A).
    @Test func acceptsUpstreamClientsRawRequests() async throws {
        let home = try VMTestHome()
        let sshfs = try Self.fakeSSHFS(in: home)
        let config = try String(contentsOfFile: home.configFile, encoding: .utf8)
        try SlaveTestSupport.write(config.replacingOccurrences(of: "command.sshfs = /usr/bin/sshfs", with: "command.sshfs = \(sshfs.program)"),
                                   to: home.configFile)
        let server = try await SlaveServerProcess(program: SlaveTestSupport.vmaServer, environment: home.environment)
        let raw = "PUT /shares//home/ana/Fotos de año HTTP/1.1\nAuthorization: Basic \(SlaveTestSupport.key)\n"
            + "User-Agent: QVDClient Qt/0.01 (Linux)\nConnection: Upgrade\nUpgrade: qvd:sftp/1.0;charset=utf-8\n\n"
        let response = try await server.exchange(raw)
        #expect(response.head.status == .switchingProtocols)
        #expect(response.head.headers["X-QVD-Share-Ticket"] == "Fotos de año")
        _ = await server.finish()
        await home.cleanUp()
    }

    @Test func answersMalformedRequestsWith400BeforeClosing() async throws {
        let home = try VMTestHome()
        let server = try await SlaveServerProcess(program: SlaveTestSupport.vmaServer, environment: home.environment)
        let response = try await server.exchange("GARBAGE\r\nmore bytes the server never reads\r\n\r\n")
        #expect(response.head.status == .badRequest)
        #expect(try await server.readsEndOfStream())
        _ = await server.finish()
        await home.cleanUp()
    }

    @Test func deDuplicatesNamesInsteadOf409() async throws {
        let home = try VMTestHome()
        let sshfs = try Self.fakeSSHFS(in: home)
        let config = try String(contentsOfFile: home.configFile, encoding: .utf8)
        try SlaveTestSupport.write(config.replacingOccurrences(of: "command.sshfs = /usr/bin/sshfs", with: "command.sshfs = \(sshfs.program)"),
                                   to: home.configFile)
        try FileManager.default.createDirectory(atPath: home.redirected + "/alice", withIntermediateDirectories: true)
        try SlaveTestSupport.write("busy", to: home.redirected + "/alice/file")
        try SlaveTestSupport.write("not a dir", to: home.redirected + "/alice (2)")
        var tickets: [String] = []
        for _ in 0..<3 {
            let server = try await SlaveServerProcess(program: SlaveTestSupport.vmaServer, environment: home.environment)
            let response = try await server.exchange(.request("PUT /shares//home/alice HTTP/1.1", ["Connection: Upgrade", "Upgrade: qvd:sftp/1.0"]))
            #expect(response.head.status == .switchingProtocols)
            tickets.append(response.head.headers["X-QVD-Share-Ticket"] ?? "-")
            _ = await server.finish()
        }
        // "alice" is busy, "alice (2)" is a file; a fresh empty directory is another
        // request's not-yet-mounted share, so it is not taken either.
        #expect(tickets == ["alice (3)", "alice (4)", "alice (5)"])
        #expect(try String(contentsOfFile: home.redirected + "/alice/file", encoding: .utf8) == "busy")
        await home.cleanUp()
    }

    @Test func opensOnlyInsideTheShare() async throws {
        let home = try VMTestHome()
        let share = home.redirected + "/docs"
        try FileManager.default.createDirectory(atPath: share + "/sub", withIntermediateDirectories: true)
        try SlaveTestSupport.write("hello", to: share + "/sub/report.txt")
        symlink("/etc/passwd", share + "/escape")
        symlink("/etc", share + "/etclink")
        symlink("sub/report.txt", share + "/inside-link")
        try SlaveTestSupport.write("secret", to: home.home + "/private.txt")

        let server = try await SlaveServerProcess(program: SlaveTestSupport.vmaServer, environment: home.environment)
        let cases: [(ticket: String?, path: String, status: Int)] = [
            ("..", "private.txt", 403),
            ("docs", "../../private.txt", 403),
            ("docs", "sub/../../../private.txt", 403),
            ("docs", "%2E%2E/%2E%2E/private.txt", 403),
            ("docs", "escape", 403),
            ("docs", "etclink/passwd", 403),
            ("docs/..", "private.txt", 403),
            ("docs", "missing.txt", 404),
            ("nosuch", "x", 404),
            ("docs", "sub/report.txt", 200),
            ("docs", "inside-link", 200),
        ]
        for item in cases {
            let headers = item.ticket.map { ["X-QVD-Share-Ticket: \($0)"] } ?? []
            let response = try await server.exchange(.request("POST /open/\(item.path) HTTP/1.1", headers))
            #expect(response.head.status.code == item.status, "ticket \(item.ticket ?? "-") path \(item.path)")
        }
        let missingTicket = try await server.exchange(.request("POST /open/sub/report.txt HTTP/1.1"))
        #expect(missingTicket.head.status == .badRequest)
        _ = await server.finish()

        let unauthenticated = try await SlaveServerProcess(program: SlaveTestSupport.vmaServer, environment: home.environment)
        let refused = try await unauthenticated.exchange(.request("POST /open/sub/report.txt HTTP/1.1", ["X-QVD-Share-Ticket: docs"], key: nil))
        #expect(refused.head.status == .unauthorized)
        _ = await unauthenticated.finish()

        // Only the two allowed opens ran (the fake opener records DISPLAY and its argv).
        #expect(await SlaveTestSupport.waitUntil { home.openedLines().count >= 2 })
        try await Task.sleep(for: .milliseconds(300))
        #expect(home.openedLines().sorted() == [":77|\(share)/sub/report.txt", ":77|\(share)/sub/report.txt"])
        await home.cleanUp()
    }

    @Test func exportsOnlyFoldersInsideHomeOrExportRoots() async throws {
        let exports = try SlaveTestSupport.makeTemporaryDirectory("exports")
        defer { try? FileManager.default.removeItem(atPath: exports) }
        let home = try VMTestHome(extraConfig: "vma.slave.export_roots = \(exports)")
        try FileManager.default.createDirectory(atPath: home.home + "/Documents", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: exports + "/team", withIntermediateDirectories: true)
        symlink("/etc", home.home + "/etclink")
        let upgrade = ["Connection: Upgrade", "Upgrade: qvd:sftp/1.0"]
        let server = try await SlaveServerProcess(program: SlaveTestSupport.vmaServer, environment: home.environment)
        for (target, status) in [("/shares//etc", 403), ("/shares/etclink", 403), ("/shares//nonexistent", 404),
                                 ("/shares/Documents/../../..", 403), ("/shares/%2Fetc", 403)] {
            let response = try await server.exchange(.request("GET \(target) HTTP/1.1", upgrade))
            #expect(response.head.status.code == status, "\(target)")
        }
        _ = await server.finish()

        for target in ["/shares/Documents", "/shares/" + exports + "/team"] {
            let exporter = try await SlaveServerProcess(program: SlaveTestSupport.vmaServer, environment: home.environment)
            let response = try await exporter.exchange(.request("GET \(target) HTTP/1.1", upgrade))
            #expect(response.head.status == .switchingProtocols, "\(target)")
            // The stream is now SFTP: SSH_FXP_INIT (version 3) gets SSH_FXP_VERSION.
            let socket = exporter.socket
            let reply = try await SlaveTestSupport.offPool { () -> [UInt8] in
                let initPacket: [UInt8] = [0, 0, 0, 5, 1, 0, 0, 0, 3]
                _ = initPacket.withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
                var buffer = [UInt8](repeating: 0, count: 5)
                var got = 0
                while got < 5 {
                    let count = buffer.withUnsafeMutableBytes { read(socket, $0.baseAddress! + got, 5 - got) }
                    if count <= 0 { break }
                    got += count
                }
                return Array(buffer[0..<got])
            }
            #expect(reply.count == 5 && reply[4] == 2)
            _ = await exporter.finish()
        }
        await home.cleanUp()
    }

    @Test(.enabled(if: SlaveTestSupport.canMount))
    func mountsAClientFolderWithRealSSHFS() async throws {
        let home = try VMTestHome()
        let client = try SlaveTestSupport.makeTemporaryDirectory("client")
        defer { try? FileManager.default.removeItem(atPath: client) }
        try SlaveTestSupport.write("from the client", to: client + "/hello.txt", mode: 0o644)

        let server = try await SlaveServerProcess(program: SlaveTestSupport.vmaServer, environment: home.environment)
        let response = try await server.exchange(.request("PUT /shares/\(SlavePathEncoding.encode(client)) HTTP/1.1",
                                                          ["Connection: Upgrade", "Upgrade: qvd:sftp/1.0"]))
        #expect(response.head.status == .switchingProtocols)
        let ticket = try #require(response.head.headers["X-QVD-Share-Ticket"])
        #expect(ticket == (client as NSString).lastPathComponent)
        // The client's end: an SFTP server on the same stream, in the shared folder.
        let sftp = try await ChildProcess.start(ChildProcessConfiguration(
            executable: "/usr/lib/openssh/sftp-server", arguments: ["-e"], workingDirectory: client,
            standardInput: .fileDescriptor(FileDescriptor(rawValue: server.socket), closeAfterSpawn: false),
            standardOutput: .fileDescriptor(FileDescriptor(rawValue: server.socket), closeAfterSpawn: false)))
        let mount = home.redirected + "/" + ticket
        #expect(await SlaveTestSupport.waitUntil { SlaveTestSupport.isMountPoint(mount) })

        #expect(try String(contentsOfFile: mount + "/hello.txt", encoding: .utf8) == "from the client")
        try "written in the VM".write(toFile: mount + "/from-vm.txt", atomically: false, encoding: .utf8)
        #expect(try String(contentsOfFile: client + "/from-vm.txt", encoding: .utf8) == "written in the VM")

        // Our extensions: list, then unshare (unmount + remove).
        let lister = try await SlaveServerProcess(program: SlaveTestSupport.vmaServer, environment: home.environment)
        let list = try await lister.exchange(.request("GET /shares HTTP/1.1"))
        #expect(list.body == "[{\"name\":\"\(ticket)\",\"state\":\"mounted\"}]")
        let removed = try await lister.exchange(.request("DELETE /shares/\(SlavePathEncoding.encode(ticket)) HTTP/1.1"))
        #expect(removed.head.status == .ok)
        _ = await lister.finish()
        #expect(await SlaveTestSupport.waitUntil { !SlaveTestSupport.isMountPoint(mount) })
        #expect(!FileManager.default.fileExists(atPath: mount))
        // sshfs (what the slave server became) and the SFTP server end with the stream.
        #expect(await SlaveTestSupport.waitUntil { !server.handle.isRunning })
        _ = await server.finish()
        #expect(await SlaveTestSupport.waitUntil { !sftp.isRunning })
        await home.cleanUp()
    }

    /// A killed sshfs leaves a dead FUSE mount ("Transport endpoint is not connected"):
    /// `GET /shares` reports it stale, and the next share of that name clears it and takes
    /// the name again instead of piling up suffixes.
    @Test(.enabled(if: SlaveTestSupport.canMount))
    func clearsTheStaleMountOfAKilledSSHFS() async throws {
        let home = try VMTestHome()
        let client = try SlaveTestSupport.makeTemporaryDirectory("client")
        defer { try? FileManager.default.removeItem(atPath: client) }
        let ticket = (client as NSString).lastPathComponent
        let mount = home.redirected + "/" + ticket
        var servers: [(SlaveServerProcess, ChildProcessHandle)] = []
        for round in 0..<2 {
            let server = try await SlaveServerProcess(program: SlaveTestSupport.vmaServer, environment: home.environment)
            let response = try await server.exchange(.request("PUT /shares/\(SlavePathEncoding.encode(client)) HTTP/1.1",
                                                              ["Connection: Upgrade", "Upgrade: qvd:sftp/1.0"]))
            #expect(response.head.headers["X-QVD-Share-Ticket"] == ticket, "round \(round)")
            let sftp = try await ChildProcess.start(ChildProcessConfiguration(
                executable: "/usr/lib/openssh/sftp-server", arguments: ["-e"], workingDirectory: client,
                standardInput: .fileDescriptor(FileDescriptor(rawValue: server.socket), closeAfterSpawn: false),
                standardOutput: .fileDescriptor(FileDescriptor(rawValue: server.socket), closeAfterSpawn: false)))
            servers.append((server, sftp))
            #expect(await SlaveTestSupport.waitUntil { SlaveTestSupport.isMountPoint(mount) })
            if round == 0 {
                // SIGKILL: sshfs cannot unmount; the mount stays, dead.
                _ = try server.handle.signal(.kill)
                #expect(await SlaveTestSupport.waitUntil { !server.handle.isRunning })
                let lister = try await SlaveServerProcess(program: SlaveTestSupport.vmaServer, environment: home.environment)
                let list = try await lister.exchange(.request("GET /shares HTTP/1.1"))
                #expect(list.body == "[{\"name\":\"\(ticket)\",\"state\":\"stale\"}]")
                _ = await lister.finish()
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: mount).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: home.redirected) == [ticket])
        for (server, sftp) in servers {
            _ = await server.finish()
            if sftp.isRunning { _ = try? await sftp.terminate() }
        }
        await home.cleanUp()
    }
}
