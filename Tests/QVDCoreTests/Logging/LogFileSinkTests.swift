import Foundation
import Logging
import QVDCore
import Testing

@Suite("LogFileSink")
struct LogFileSinkTests {
    @Test func createsTheFileWithMode0640AndAppends() throws {
        let directory = try LogTestDirectory()
        let path = directory.file("qvd.log")
        try "existing line\n".write(toFile: path, atomically: false, encoding: .utf8)
        let sink = try LogFileSink(path: path)
        sink.write(line: Array("second\n".utf8))
        #expect(try directory.lines(of: "qvd.log") == ["existing line", "second"])

        // Read the umask without changing it (other tests run in parallel): /proc/self/status.
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let umaskLine = try #require(status.split(separator: "\n").first { $0.hasPrefix("Umask:") })
        let mask = try #require(Int(umaskLine.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8))
        let fresh = try LogFileSink(path: directory.file("fresh.log"))
        fresh.write(line: Array("x\n".utf8))
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.file("fresh.log"))
        #expect((attributes[.posixPermissions] as? Int) == 0o640 & ~mask)
    }

    @Test func missingDirectoryIsAClearError() throws {
        let directory = try LogTestDirectory()
        let path = directory.file("no/such/dir/qvd.log")
        let error = #expect(throws: LogSetupError.self) { try LogFileSink(path: path) }
        #expect(error == .parentDirectoryMissing(path: path, directory: directory.file("no/such/dir")))
        #expect(error?.description
            == "cannot open log file '\(path)': its directory '\(directory.file("no/such/dir"))' does not exist; create it or point log.filename elsewhere")
    }

    @Test func aDirectoryInPlaceOfTheFileIsCannotOpen() throws {
        let directory = try LogTestDirectory()
        let error = #expect(throws: LogSetupError.self) { try LogFileSink(path: directory.path) }
        #expect(error == .cannotOpen(path: directory.path, errno: .isDirectory))
    }

    @Test func concurrentWritersProduceWholeLines() async throws {
        let directory = try LogTestDirectory()
        let path = directory.file("qvd.log")
        // Two sinks = two descriptors on one O_APPEND file, like two processes.
        let sinks = [try LogFileSink(path: path), try LogFileSink(path: path)]
        let payload = String(repeating: "p", count: 200)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                let logger = LogTestFixtures.logger("vma", sink: sinks[task % 2])
                group.addTask {
                    for index in 0..<1000 {
                        logger.info("line", metadata: ["task": "\(task)", "n": "\(index)", "pad": "\(payload)"])
                    }
                }
            }
        }
        let lines = try directory.lines(of: "qvd.log")
        #expect(lines.count == 8000)
        var seen = Set<String>()
        for line in lines {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            #expect(fields.count == 8)
            guard fields.count == 8 else { continue }
            #expect(fields[0...4].joined(separator: " ") == LogTestFixtures.prefix + " INFO vma: line")
            #expect(fields[5].hasPrefix("n="))
            #expect(fields[6] == "pad=" + payload)
            #expect(fields[7].hasPrefix("task="))
            seen.insert(fields[5] + " " + fields[7])
        }
        #expect(seen.count == 8000)
        #expect(sinks.map(\.droppedLineCount) == [0, 0])
    }

    @Test func closedSinkCountsDroppedLines() throws {
        let directory = try LogTestDirectory()
        let sink = try LogFileSink(path: directory.file("qvd.log"))
        sink.close()
        sink.write(line: Array("lost\n".utf8))
        #expect(sink.droppedLineCount == 1)
        #expect(try directory.lines(of: "qvd.log") == [])
    }
}

/// Tests that rename files under a sink and reopen: serialized, because a SIGHUP reopens
/// every sink of the process.
@Suite("LogFileSink reopen", .serialized)
struct LogFileSinkReopenTests {
    @Test func reopenAfterRenameWritesToTheNewFile() throws {
        let directory = try LogTestDirectory()
        let sink = try LogFileSink(path: directory.file("qvd.log"))
        let logger = LogTestFixtures.logger("vma", sink: sink)
        logger.info("before rotation")
        try FileManager.default.moveItem(atPath: directory.file("qvd.log"), toPath: directory.file("qvd.log.1"))
        logger.info("after rename, before reopen")
        try sink.reopen()
        logger.info("after reopen")
        #expect(try directory.lines(of: "qvd.log.1") == [
            LogTestFixtures.prefix + " INFO vma: before rotation",
            LogTestFixtures.prefix + " INFO vma: after rename, before reopen",
        ])
        #expect(try directory.lines(of: "qvd.log") == [LogTestFixtures.prefix + " INFO vma: after reopen"])
    }

    @Test func failedReopenKeepsTheOldFile() throws {
        let directory = try LogTestDirectory()
        try FileManager.default.createDirectory(atPath: directory.file("logs"), withIntermediateDirectories: false)
        let sink = try LogFileSink(path: directory.file("logs/qvd.log"))
        try FileManager.default.moveItem(atPath: directory.file("logs"), toPath: directory.file("logs.old"))
        #expect(throws: LogSetupError.parentDirectoryMissing(path: directory.file("logs/qvd.log"), directory: directory.file("logs"))) {
            try sink.reopen()
        }
        sink.write(line: Array("still here\n".utf8))
        #expect(try directory.lines(of: "logs.old/qvd.log") == ["still here"])
    }

    @Test func sighupReopensEveryFileSink() async throws {
        let directory = try LogTestDirectory()
        let sinks = [try LogFileSink(path: directory.file("a.log")), try LogFileSink(path: directory.file("b.log"))]
        let reopened = LogCounter()
        let handler = LogReopenSignalHandler { failures in reopened.add(failures.count) }
        defer { handler.cancel() }
        for name in ["a", "b"] {
            try FileManager.default.moveItem(atPath: directory.file("\(name).log"), toPath: directory.file("\(name).log.1"))
        }
        // Registration of the dispatch source is asynchronous; until it completes SIGHUP is
        // ignored, so send it again until the reopen happened (at most ~5 s).
        var attempts = 0
        while reopened.events == 0 && attempts < 100 {
            kill(getpid(), SIGHUP)
            try await Task.sleep(for: .milliseconds(50))
            attempts += 1
        }
        #expect(reopened.events > 0)
        // `failures` counts every sink in the process, including other suites' sinks whose
        // temporary folders are already gone, so only our own two are checked below.
        for (sink, name) in zip(sinks, ["a", "b"]) {
            sink.write(line: Array("after HUP \(name)\n".utf8))
            #expect(try directory.lines(of: "\(name).log") == ["after HUP \(name)"])
            #expect(try directory.lines(of: "\(name).log.1") == [])
        }
    }
}

/// Counts reopen callbacks from the signal queue.
final class LogCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var eventCount = 0
    private var failureCount = 0

    func add(_ failures: Int) {
        lock.lock(); defer { lock.unlock() }
        eventCount += 1
        failureCount += failures
    }

    var events: Int { lock.lock(); defer { lock.unlock() }; return eventCount }
    var failures: Int { lock.lock(); defer { lock.unlock() }; return failureCount }
}
