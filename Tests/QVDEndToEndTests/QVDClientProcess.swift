import Foundation
import QVDCore
import SystemPackage

/// Runs the built `qvdclient` with a throw-away `HOME`, the password on standard input
/// (`--password-stdin`) and an exact environment (no QVD* variables leak in from the
/// caller).
struct QVDClientProcess {
    var home: String
    var display: String
    var password: String

    var environment: [String: String] {
        ["HOME": home, "DISPLAY": display, "PATH": EndToEndBinaries.systemPath]
    }

    /// Runs to the end and collects stdout and stderr.
    func run(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> ChildProcessResult {
        try await ChildProcess.run(ChildProcessConfiguration(
            executable: EndToEndBinaries.client, arguments: arguments + ["--password-stdin"],
            environment: .exactly(environment),
            standardInput: .text(password + "\n"),
            standardOutput: .collect(limit: 1 << 20), standardError: .collect(limit: 1 << 20)), timeout: timeout)
    }

    /// Starts a session in the background; its stderr (progress, nxproxy's lines with -d)
    /// goes to `stderrFile`.
    func start(_ arguments: [String], stderrFile: String) async throws -> ChildProcessHandle {
        let err = try FileDescriptor.open(stderrFile, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
        return try await ChildProcess.start(ChildProcessConfiguration(
            executable: EndToEndBinaries.client, arguments: arguments + ["--password-stdin"],
            environment: .exactly(environment),
            standardInput: .text(password + "\n"),
            standardOutput: .fileDescriptor(err, closeAfterSpawn: false),
            standardError: .fileDescriptor(err, closeAfterSpawn: true)))
    }

    /// Every regular file under `home`, relative to it, sorted.
    func filesInHome() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: home) else { return [] }
        var files: [String] = []
        while let name = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: home + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(name)
            }
        }
        return files.sorted()
    }
}
