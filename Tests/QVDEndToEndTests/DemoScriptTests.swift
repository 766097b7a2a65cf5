import Foundation
import QVDCore
import Testing

/// `make demo` (scripts/demo.sh) run headless with the binaries under test: the picture it
/// saves must show the session's desktop drawn through NX (the root colour the session sets,
/// and the white faces of the xclock and the xterm), and nothing of the run may be left:
/// no process mentioning its directory, no user `demo`, no directory.
@Suite(.serialized)
struct DemoScriptTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static var canRun: Bool {
        EndToEndBinaries.canRunSession && FileManager.default.isExecutableFile(atPath: "/usr/bin/convert")
            && getpwnam("demo") == nil
    }

    @Test(.enabled(if: canRun, "needs root, the NX programs, Xvfb, ImageMagick and no user named demo"),
          .timeLimit(.minutes(3)))
    func demoDrawsTheDesktopAndLeavesNothing() async throws {
        let work = try TemporaryDemoDirectory()
        defer { work.remove() }
        let picture = work.path + "/demo.png"
        let run = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/bin/bash",
            arguments: [Self.repository + "/scripts/demo.sh"],
            environment: .exactly([
                "PATH": EndToEndBinaries.systemPath, "HOME": work.path,
                "QVD_DEMO_BIN": EndToEndBinaries.directory, "QVD_DEMO_OUT": picture, "QVD_DEMO_WAIT": "3",
            ]),
            standardOutput: .collect(limit: 1 << 20), standardError: .collect(limit: 1 << 20)),
            timeout: .seconds(150))
        let output = (run.standardOutput?.text ?? "") + (run.standardError?.text ?? "")
        #expect(run.succeeded, "demo.sh failed: \(output)")
        #expect(output.contains("demo: nothing left running"), "\(output)")

        // The picture: the session's root colour #2e5f8a covers much of it, and the white
        // faces of the xclock and xterm windows are there.
        let histogram = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/usr/bin/convert", arguments: [picture, "-format", "%c", "histogram:info:-"],
            environment: .exactly(["PATH": EndToEndBinaries.systemPath]),
            standardOutput: .collect(limit: 1 << 22), standardError: .collect(limit: 1 << 16)), timeout: .seconds(30))
        #expect(histogram.succeeded, "convert: \(histogram.standardError?.text ?? "")")
        let counts = Self.colourCounts(histogram.standardOutput?.text ?? "")
        let total = counts.values.reduce(0, +)
        #expect(total == 1280 * 1024, "a 1280x1024 screenshot of the client's screen")
        let root = counts["#2E5F8A", default: 0]
        let white = counts["#FFFFFF", default: 0]
        #expect(Double(root) > 0.3 * Double(total), "root colour #2e5f8a on \(root) of \(total) pixels")
        #expect(Double(white) > 0.05 * Double(total), "white (xclock, xterm) on \(white) of \(total) pixels")

        // Nothing left: the run directory (named in the output) is gone and no process names it.
        let runDirectory = output.split(separator: "\n").lazy.compactMap { line -> String? in
            guard let marker = line.range(of: "logs in ") else { return nil }
            return String(line[marker.upperBound...]).replacingOccurrences(of: "/log)", with: "")
        }.first
        let directory = try #require(runDirectory, "the script names its directory: \(output)")
        #expect(!FileManager.default.fileExists(atPath: directory))
        #expect(Self.processesMentioning(directory).isEmpty, "left running: \(Self.processesMentioning(directory))")
        #expect(getpwnam("demo") == nil, "the demo user was removed")
    }

    /// `convert … histogram:info:-` lines: `  1234: (46,95,138) #2E5F8A srgb(46,95,138)`.
    static func colourCounts(_ text: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first, first.hasSuffix(":"), let count = Int(first.dropLast()),
                  let hex = fields.first(where: { $0.hasPrefix("#") }) else { continue }
            counts[String(hex.prefix(7)), default: 0] += count
        }
        return counts
    }

    static func processesMentioning(_ text: String) -> [String] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { pid in
            guard Int(pid) != nil, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let command = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return command.contains(text) ? "\(pid): \(command)" : nil
        }
    }
}

/// A private directory for the demo's HOME and picture.
struct TemporaryDemoDirectory {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("qvd-demo-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
