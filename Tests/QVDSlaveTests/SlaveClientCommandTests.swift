#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QVDCore
import QVDSlave
import SystemPackage
import Testing

/// The built `qvd-slaveclient`: its errors without a session, and share / list / open /
/// unshare against real `qvd-vma-slaveserver` processes and a real sshfs mount.
@Suite(.serialized) struct SlaveClientCommandTests {
    static func run(_ arguments: [String], home: String) async throws -> ChildProcessResult {
        try await ChildProcess.run(ChildProcessConfiguration(
            executable: SlaveTestSupport.slaveClient, arguments: arguments,
            environment: .exactly(["HOME": home, "PATH": ChildProcessEnvironment.defaultPath]),
            standardOutput: .collect(limit: 65_536), standardError: .collect(limit: 65_536)), timeout: .seconds(30))
    }

    @Test(arguments: [["list"], ["share", "/tmp"], ["unshare", "x"], ["open", "/etc/hostname"], ["mount", "/srv", "/mnt"]])
    func saysWhenNoSessionRuns(arguments: [String]) async throws {
        let home = try SlaveTestSupport.makeTemporaryDirectory("nosession")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let result = try await Self.run(arguments, home: home)
        #expect(result.status.exitCode == SlaveClientExitCode.noSession.rawValue)
        #expect(result.standardError?.text ==
                "qvd-slaveclient: no QVD session is running (\(home)/.qvd/slave-port missing): start qvdclient first\n")
    }

    @Test func distinguishesAnUnreachableChannelAndARefusedKey() async throws {
        let home = try SlaveTestSupport.makeTemporaryDirectory("badsession")
        defer { try? FileManager.default.removeItem(atPath: home) }
        mkdir(home + "/.qvd", 0o700)
        try SlaveTestSupport.write("1", to: home + "/.qvd/slave-port")
        try SlaveTestSupport.write("WrongKey", to: home + "/.qvd/slave-key")
        let unreachable = try await Self.run(["list"], home: home)
        #expect(unreachable.status.exitCode == SlaveClientExitCode.connection.rawValue)
        #expect(unreachable.standardError?.text.contains("connect to the slave channel on 127.0.0.1:1") == true)

        let vm = try VMTestHome()
        let listener = try FakeSlaveListener(program: SlaveTestSupport.vmaServer, environment: vm.environment)
        try SlaveTestSupport.write(String(listener.port), to: home + "/.qvd/slave-port")
        let refused = try await Self.run(["list"], home: home)
        #expect(refused.status.exitCode == SlaveClientExitCode.refused.rawValue)
        #expect(refused.standardError?.text.contains("403") == true)
        #expect(refused.standardError?.text.contains("WrongKey") == false)
        await listener.stop()
        await vm.cleanUp()
    }

    @Test(.enabled(if: SlaveTestSupport.canMount))
    func sharesListsOpensAndUnshares() async throws {
        let vm = try VMTestHome()
        let listener = try FakeSlaveListener(program: SlaveTestSupport.vmaServer, environment: vm.environment)
        let home = try SlaveTestSupport.makeTemporaryDirectory("client-session")
        mkdir(home + "/.qvd", 0o700)
        try SlaveTestSupport.write(String(listener.port), to: home + "/.qvd/slave-port")
        try SlaveTestSupport.write(SlaveTestSupport.key, to: home + "/.qvd/slave-key")
        let folder = home + "/Mis Documentos"
        mkdir(folder, 0o755)
        try SlaveTestSupport.write("local bytes", to: folder + "/nota.txt", mode: 0o644)

        let tickets = TicketBox()
        let share = try await ChildProcess.start(ChildProcessConfiguration(
            executable: SlaveTestSupport.slaveClient, arguments: ["share", folder],
            environment: .exactly(["HOME": home, "PATH": ChildProcessEnvironment.defaultPath]),
            standardOutput: .lines { tickets.add($0) }))
        #expect(await SlaveTestSupport.waitUntil { tickets.first != nil })
        #expect(tickets.first == "Mis Documentos")
        let mount = vm.redirected + "/Mis Documentos"
        #expect(await SlaveTestSupport.waitUntil { SlaveTestSupport.isMountPoint(mount) })
        #expect(try String(contentsOfFile: mount + "/nota.txt", encoding: .utf8) == "local bytes")
        try "from the VM".write(toFile: mount + "/vm.txt", atomically: false, encoding: .utf8)
        #expect(try String(contentsOfFile: folder + "/vm.txt", encoding: .utf8) == "from the VM")

        // Confinement, seen from the VM: links planted in the share that point out of it
        // lead nowhere (the client's key file is one level up).
        symlink("/etc", folder + "/escape")
        symlink("..", folder + "/up")
        symlink(home + "/.qvd/slave-key", folder + "/key")
        #expect((try? String(contentsOfFile: mount + "/escape/hostname", encoding: .utf8)) == nil)
        #expect((try? String(contentsOfFile: mount + "/up/.qvd/slave-key", encoding: .utf8)) == nil)
        #expect((try? String(contentsOfFile: mount + "/key", encoding: .utf8)) == nil)
        #expect(FileManager.default.createFile(atPath: mount + "/up/planted.txt", contents: Data("x".utf8)) == false)
        #expect(!FileManager.default.fileExists(atPath: home + "/planted.txt"))

        let state = try FileManager.default.attributesOfItem(atPath: home + "/.qvd/slave-shares.json")
        #expect((state[.posixPermissions] as? Int) == 0o600)

        let list = try await Self.run(["list"], home: home)
        #expect(list.status.exitCode == 0)
        #expect(list.standardOutput?.text == "Mis Documentos\tmounted\t\(folder)\n")

        let open = try await Self.run(["open", folder + "/nota.txt"], home: home)
        #expect(open.status.exitCode == 0)
        #expect(await SlaveTestSupport.waitUntil { !vm.openedLines().isEmpty })
        #expect(vm.openedLines() == [":77|\(mount)/nota.txt"])
        let outside = try await Self.run(["open", "/etc/hostname"], home: home)
        #expect(outside.status.exitCode == SlaveClientExitCode.local.rawValue)

        let unshare = try await Self.run(["unshare", "Mis Documentos"], home: home)
        #expect(unshare.status.exitCode == 0)
        #expect(await SlaveTestSupport.waitUntil { !SlaveTestSupport.isMountPoint(mount) })
        #expect(!FileManager.default.fileExists(atPath: mount))
        #expect(await SlaveTestSupport.waitUntil { !share.isRunning })
        #expect(try await share.wait().status.exitCode == 0)
        let after = try await Self.run(["list"], home: home)
        #expect(after.standardOutput?.text == "")

        await listener.stop()
        await vm.cleanUp()
        try? FileManager.default.removeItem(atPath: home)
    }

    @Test(.enabled(if: SlaveTestSupport.canMount))
    func readOnlySharesRefuseWrites() async throws {
        let vm = try VMTestHome()
        let listener = try FakeSlaveListener(program: SlaveTestSupport.vmaServer, environment: vm.environment)
        let home = try SlaveTestSupport.makeTemporaryDirectory("client-ro")
        mkdir(home + "/.qvd", 0o700)
        try SlaveTestSupport.write(String(listener.port), to: home + "/.qvd/slave-port")
        try SlaveTestSupport.write(SlaveTestSupport.key, to: home + "/.qvd/slave-key")
        let folder = home + "/ro"
        mkdir(folder, 0o755)
        try SlaveTestSupport.write("keep", to: folder + "/kept.txt", mode: 0o644)
        let share = try await ChildProcess.start(ChildProcessConfiguration(
            executable: SlaveTestSupport.slaveClient, arguments: ["share", "--read-only", folder],
            environment: .exactly(["HOME": home, "PATH": ChildProcessEnvironment.defaultPath])))
        let mount = vm.redirected + "/ro"
        #expect(await SlaveTestSupport.waitUntil { SlaveTestSupport.isMountPoint(mount) })
        #expect(try String(contentsOfFile: mount + "/kept.txt", encoding: .utf8) == "keep")
        let fd = open(mount + "/new.txt", O_WRONLY | O_CREAT, 0o644)
        let failure = errno
        if fd >= 0 { close(fd) }
        #expect(fd < 0)
        #expect(failure == EROFS || failure == EACCES || failure == EPERM)
        #expect(unlink(mount + "/kept.txt") != 0)
        #expect(!FileManager.default.fileExists(atPath: folder + "/new.txt"))
        #expect(FileManager.default.fileExists(atPath: folder + "/kept.txt"))
        let unshare = try await Self.run(["unshare", "ro"], home: home)
        #expect(unshare.status.exitCode == 0)
        #expect(await SlaveTestSupport.waitUntil { !share.isRunning })
        await listener.stop()
        await vm.cleanUp()
        try? FileManager.default.removeItem(atPath: home)
    }

    /// `mount REMOTE LOCAL`: a VM folder (inside the VM user's home) mounted locally with
    /// sshfs in passive mode over the slave stream; a folder outside is refused (403 → 6).
    @Test(.enabled(if: SlaveTestSupport.canMount))
    func mountsAVMFolderLocally() async throws {
        let vm = try VMTestHome()
        try FileManager.default.createDirectory(atPath: vm.home + "/Documents", withIntermediateDirectories: true)
        try SlaveTestSupport.write("vm file", to: vm.home + "/Documents/informe.txt", mode: 0o644)
        let listener = try FakeSlaveListener(program: SlaveTestSupport.vmaServer, environment: vm.environment)
        let home = try SlaveTestSupport.makeTemporaryDirectory("client-mount")
        mkdir(home + "/.qvd", 0o700)
        try SlaveTestSupport.write(String(listener.port), to: home + "/.qvd/slave-port")
        try SlaveTestSupport.write(SlaveTestSupport.key, to: home + "/.qvd/slave-key")
        let local = home + "/vm-docs"

        let outside = try await Self.run(["mount", "/etc", local], home: home)
        #expect(outside.status.exitCode == SlaveClientExitCode.refused.rawValue)
        let missing = try await Self.run(["mount", "Nope", local], home: home)
        #expect(missing.status.exitCode == SlaveClientExitCode.notFound.rawValue)

        let mount = try await ChildProcess.start(ChildProcessConfiguration(
            executable: SlaveTestSupport.slaveClient, arguments: ["mount", "Documents", local],
            environment: .exactly(["HOME": home, "PATH": ChildProcessEnvironment.defaultPath])))
        #expect(await SlaveTestSupport.waitUntil { SlaveTestSupport.isMountPoint(local) })
        #expect(try String(contentsOfFile: local + "/informe.txt", encoding: .utf8) == "vm file")
        try "client wrote".write(toFile: local + "/back.txt", atomically: false, encoding: .utf8)
        #expect(try String(contentsOfFile: vm.home + "/Documents/back.txt", encoding: .utf8) == "client wrote")
        await SlaveTestSupport.unmount(local)
        #expect(await SlaveTestSupport.waitUntil { !mount.isRunning })
        #expect(try await mount.wait().status.exitCode == 0)
        await listener.stop()
        await vm.cleanUp()
        try? FileManager.default.removeItem(atPath: home)
    }
}

final class TicketBox: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.withLock { lines.append(line) } }
    var first: String? { lock.withLock { lines.first } }
}
