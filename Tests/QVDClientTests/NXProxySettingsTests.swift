import Testing
@testable import QVDClient

@Suite struct NXProxySettingsTests {
    @Test func argumentsLikePerl() {
        // p-connect.txt: ["/usr/bin/nxproxy", "-S", "cups=631", "slave=62636", "localhost:40"]
        let settings = NXProxySettings(executable: "/usr/bin/nxproxy", extraOptions: ["data=0"], slaveEnabled: true,
                                       slaveCommand: "/bin/true", printing: true)
        #expect(settings.arguments(listenerPort: 40123, slavePort: 62636)
            == ["-S", "slave=62636", "cups=631", "data=0", "localhost:36123"])
        #expect(NXProxySettings(executable: "x").arguments(listenerPort: 4040, slavePort: nil) == ["-S", "localhost:40"])
        #expect(settings.environment(slaveCommandIsExecutable: true)
            == ["NX_CLIENT": "/bin/false", "NX_SLAVE_CMD": "/bin/true", "QVD_SLAVE_CMD": "/bin/true"])
        #expect(settings.environment(slaveCommandIsExecutable: false) == ["NX_CLIENT": "/bin/false"])
    }

    @Test func splitNXOptions() {
        #expect(NXProxySettings.splitNXOptions("nx/nx,data=0,delta=0,cache=16384,pack=0:0") == ["data=0", "delta=0", "cache=16384", "pack=0:0"])
        #expect(NXProxySettings.splitNXOptions("link=lan") == ["link=lan"])
    }

    @Test func slaveKeyFileIsPrivateAndRemoved() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = SlaveKeyFile(directory: dir.path + "/.qvd")
        try file.write(key: String(repeating: "k", count: 64), port: 62001)
        #expect(try String(contentsOfFile: file.keyPath, encoding: .utf8) == String(repeating: "k", count: 64))
        #expect(try String(contentsOfFile: file.portPath, encoding: .utf8) == "62001")
        let mode = try FileManager.default.attributesOfItem(atPath: file.keyPath)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        file.remove()
        #expect(!FileManager.default.fileExists(atPath: file.keyPath))
        #expect(!FileManager.default.fileExists(atPath: file.portPath))
    }
}

import Foundation
