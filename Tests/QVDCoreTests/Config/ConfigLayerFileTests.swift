import Foundation
import Testing
@testable import QVDCore

@Suite struct ConfigLayerFileTests {
    /// A fresh temporary directory, removed by `body`'s caller.
    private func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("qvd-config-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }

    @Test func readsAFileWithSourcesPerLine() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/vma.conf"
            try "# test\nvma.slave.enable = 1\nvma.audio.enable: yes\n".write(toFile: path, atomically: true, encoding: .utf8)
            let layer = try ConfigLayer.file(at: path, kind: .systemFile, optional: false)
            #expect(layer.isPresent)
            #expect(layer["vma.slave.enable"] == ConfigEntry(key: "vma.slave.enable", value: "1", source: .file(path, line: 2)))
            #expect(layer["vma.audio.enable"]?.source.description == "\(path):3")
        }
    }

    @Test func missingOptionalFileIsAnEmptyLayer() throws {
        try withTemporaryDirectory { directory in
            let layer = try ConfigLayer.file(at: directory + "/absent.conf", kind: .userFile, optional: true)
            #expect(layer.isPresent == false)
            #expect(layer.entries.isEmpty)
            #expect(layer.kind == .userFile)
            // A missing parent directory is "missing" too.
            let deeper = try ConfigLayer.file(at: directory + "/no/such/dir/client.conf", kind: .userFile)
            #expect(deeper.isPresent == false)
        }
    }

    @Test func missingRequiredFileIsAnError() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/given-with-config.conf"
            #expect(throws: ConfigError.fileNotFound(path: path)) {
                try ConfigLayer.file(at: path, kind: .systemFile, optional: false)
            }
            #expect(ConfigError.fileNotFound(path: path).description == "configuration file \(path) does not exist")
        }
    }

    @Test func unreadableFileIsAnErrorEvenWhenOptional() throws {
        try withTemporaryDirectory { directory in
            // A directory where a file should be: unreadable for root too.
            let path = directory + "/client.conf"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            #expect(throws: ConfigError.unreadableFile(path: path, reason: "it is a directory")) {
                try ConfigLayer.file(at: path, kind: .userFile, optional: true)
            }
            #expect(ConfigError.unreadableFile(path: path, reason: "it is a directory").description
                == "cannot read configuration file \(path): it is a directory")
        }
    }

    @Test func pathThroughAFileIsMissingNotUnreadable() throws {
        try withTemporaryDirectory { directory in
            let file = directory + "/plain"
            try "x = 1\n".write(toFile: file, atomically: true, encoding: .utf8)
            let layer = try ConfigLayer.file(at: file + "/client.conf", kind: .userFile)
            #expect(layer.isPresent == false)
        }
    }

    @Test func malformedFileNamesFileAndLine() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/vma.conf"
            try "vma.slave.enable = 1\n\n# a comment\nvma.audio.enable\n".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(throws: ConfigError.syntax(path: path, line: 4,
                                               problem: "'vma.audio.enable' is not a property line: write 'key = value' ('key =' for an empty value)")) {
                try ConfigLayer.file(at: path, kind: .systemFile, optional: true)
            }
        }
    }

    @Test func loadBuildsTheUsualStack() throws {
        try withTemporaryDirectory { directory in
            let system = directory + "/vma.conf"
            try "path.log = /srv/log\nvma.slave.enabel = 1\n".write(toFile: system, atomically: true, encoding: .utf8)
            let config = try Configuration.load(
                schema: VMAConfigDefaults.table, systemFile: system,
                environment: ["QVD_LOG_LEVEL": "debug"],
                commandLine: [(option: "--address", key: "vma.address", value: "127.0.0.1")])
            #expect(try config.string("log.filename") == "/srv/log/qvd.log")
            #expect(try config.string("log.level") == "debug")
            #expect(config.entry("vma.address")?.source == .commandLine("--address"))
            #expect(try config.int("internal.vm.port.vma") == 3030)
            #expect(config.warnings.map(\.description)
                == ["\(system):2: unknown key 'vma.slave.enabel' is ignored; did you mean 'vma.slave.enable'?"])
            #expect(throws: ConfigError.fileNotFound(path: directory + "/none.conf")) {
                try Configuration.load(schema: VMAConfigDefaults.table, systemFile: directory + "/none.conf",
                                       systemFileRequired: true)
            }
        }
    }
}
