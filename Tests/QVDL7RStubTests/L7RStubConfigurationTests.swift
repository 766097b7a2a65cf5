import Foundation
import QVDCore
import Testing
@testable import QVDL7RStub

struct L7RStubConfigurationTests {
    /// `Stubs/examples/l7r-stub.conf` of this repository (found from this file's path, with
    /// symlinks resolved so a scratch package linking the test folder finds it too).
    static let example = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Stubs/examples/l7r-stub.conf").path

    @Test func exampleFileLoadsWithUpstreamDefaults() throws {
        let configuration = try L7RStubConfiguration.load(path: Self.example)
        #expect(configuration.port == 8443)
        #expect(configuration.bindAddress == "0.0.0.0")
        #expect(configuration.useSSL)
        #expect(configuration.certificateFile == nil && configuration.keyFile == nil)
        #expect(configuration.timing == L7RTiming())
        let alice = try #require(configuration.accounts.users["alice"])
        #expect(alice.password?.matches("alice-password") == true)
        #expect(alice.tokens["laptop"]?.matches("tok-alice") == true)
        let vm1 = try #require(configuration.accounts.machines[1])
        #expect(vm1 == L7RVirtualMachine(id: 1, name: "Desktop-1", owner: "alice", vmaHost: "127.0.0.1",
                                         nxHost: "127.0.0.1", properties: [("qvd.vm.user.home", "/home/alice")]))
        let vm2 = try #require(configuration.accounts.machines[2])
        #expect(vm2.initialState == "stopped" && vm2.vmaPort == 3030 && vm2.nxHost == "127.0.0.1" && vm2.nxPort == 4100)
    }

    @Test func overridesAndSeparateAccountsFileApply() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("l7r-conf-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let hash = SaltedHash.make(secret: "pw")
        try "l7r.use_ssl = 0\nl7r.stub.accounts_file = \(directory)/accounts.conf\n"
            .write(toFile: directory + "/l7r.conf", atomically: true, encoding: .utf8)
        try "user.Bob.password_hash = \(hash)\nvm.7.name = X\nvm.7.owner = BOB\nvm.7.vma_host = 10.0.0.7\nvm.7.nx_port = 4101\n"
            .write(toFile: directory + "/accounts.conf", atomically: true, encoding: .utf8)
        let configuration = try L7RStubConfiguration.load(path: directory + "/l7r.conf",
                                                          overrides: [("--port", "l7r.port", "9000")])
        #expect(configuration.port == 9000)
        #expect(!configuration.useSSL)
        #expect(configuration.accounts.users["bob"]?.password == hash)
        #expect(configuration.accounts.machines[7]?.owner == "bob")
        #expect(configuration.accounts.machines[7]?.nxHost == "10.0.0.7")
        #expect(configuration.accounts.machines[7]?.nxPort == 4101)
    }

    static func accounts(_ text: String) throws(L7RStubConfigurationError) -> L7RAccounts {
        let layer: ConfigLayer
        do { layer = try ConfigLayer.parsing(text, path: "test.conf") } catch { throw .init(.config(error)) }
        return try L7RAccounts(configuration: Configuration(layers: [L7RConfigDefaults.table.layer, layer],
                                                            schema: L7RConfigDefaults.table))
    }

    @Test(arguments: [
        ("user.alice.password_hash = plain", "user.alice.password_hash"),
        ("user.alice.colour = red", "unknown user field"),
        ("vm.x.name = A", "vm.x.name"),
        ("vm.1.name = A\nvm.1.owner = a", "vm.1.vma_host"),
        ("vm.1.name = A\nvm.1.owner = a\nvm.1.vma_host = h\nvm.1.vma_port = 70000", "not a port number"),
        ("vm.1.name = A\nvm.1.owner = a\nvm.1.vma_host = h\nvm.1.state = paused", "not running or stopped"),
        ("vm.1.name = A\nvm.1.owner = a\nvm.1.vma_host = h\nvm.1.colour = red", "unknown VM field"),
    ])
    func badAccountsAreReportedWithTheKey(text: String, expected: String) {
        #expect {
            _ = try Self.accounts(text)
        } throws: { error in
            "\(error)".contains(expected)
        }
    }
}
