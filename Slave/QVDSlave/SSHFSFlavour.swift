#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import QVDCore

/// Which sshfs is installed, as far as its options differ: sshfs 2 (upstream's bundled
/// build) calls stdin/stdout mode `-o slave`, sshfs 3 calls it `-o passive` and no longer
/// knows FUSE 2's `atomic_o_trunc` (always on in FUSE 3; spec README, measured facts:
/// Debian 12 ships 3.7.3, and `-o atomic_o_trunc` makes it exit with
/// "fuse: unknown option(s)").
public struct SSHFSFlavour: Sendable, Hashable {
    /// The major version (2 or 3).
    public var major: Int

    public init(major: Int) {
        self.major = major
    }

    /// The option that makes sshfs speak SFTP on its own stdin/stdout.
    public var passiveOption: String { major >= 3 ? "passive" : "slave" }

    /// Whether `-o atomic_o_trunc` is understood.
    public var knowsAtomicOTrunc: Bool { major < 3 }

    /// The version from `sshfs --version` output (`SSHFS version 3.7.3`; sshfs 2 prints
    /// `SSHFS version 2.8`). `nil` when there is no such line.
    public static func parse(versionOutput text: String) -> SSHFSFlavour? {
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ")
            guard words.count >= 3, words[0].lowercased() == "sshfs", words[1] == "version" else { continue }
            if let major = Int(words[2].prefix { $0.isNumber }) { return SSHFSFlavour(major: major) }
        }
        return nil
    }

    /// Asks `sshfs --version`, remembering the answer in `cacheFile` keyed by the program's
    /// path, size and modification time (a fresh slave server runs per connection, and
    /// asking costs a process). Falls back to sshfs 3 when the answer cannot be read.
    public static func detect(program: String, cacheFile: String?) -> SSHFSFlavour {
        var info = stat()
        let identity = stat(program, &info) == 0
            ? "\(program)\t\(info.st_size)\t\(info.st_mtim.tv_sec)" : nil
        if let cacheFile, let identity, let cached = try? String(contentsOfFile: cacheFile, encoding: .utf8) {
            let lines = cached.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.count >= 2, lines[0] == identity, let major = Int(lines[1]) {
                return SSHFSFlavour(major: major)
            }
        }
        let output = BlockingTask.run { () -> String in
            let result = try? await ChildProcess.run(
                ChildProcessConfiguration(executable: program, arguments: ["--version"],
                                          standardOutput: .collect(limit: 4096), standardError: .collect(limit: 4096)),
                timeout: .seconds(10))
            return (result?.standardOutput?.text ?? "") + "\n" + (result?.standardError?.text ?? "")
        }
        let flavour = parse(versionOutput: output) ?? SSHFSFlavour(major: 3)
        if let cacheFile, let identity {
            try? AtomicFile.write("\(identity)\n\(flavour.major)\n", to: cacheFile, mode: 0o600)
        }
        return flavour
    }
}
