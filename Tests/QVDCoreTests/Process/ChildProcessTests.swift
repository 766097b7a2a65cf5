#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SystemPackage
import Testing
@testable import QVDCore

/// Collects lines from a sink, from any task.
private final class LineBox: Sendable {
    private let storage = Mutex<[String]>([])
    var lines: [String] { storage.withLock { $0 } }
    var output: ChildProcessOutput { output(maxLineLength: LineSink.defaultMaxLineLength) }
    func output(maxLineLength: Int) -> ChildProcessOutput {
        .lines(maxLineLength: maxLineLength) { line in self.storage.withLock { $0.append(line) } }
    }
}

/// A fresh directory under /tmp, removed by `remove()`.
private struct TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/qvd-process-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return mkdtemp(base) != nil
        }
        try #require(made)
        path = template.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { String(cString: $0) } ?? ""
        }
    }

    func remove() async {
        _ = try? await ChildProcess.run(ChildProcessConfiguration(executable: "/bin/rm", arguments: ["-rf", path]))
    }
}

private func shell(
    _ script: String,
    _ extra: [String] = [],
    output: ChildProcessOutput = .collect(limit: 1 << 20),
    error: ChildProcessOutput = .collect(limit: 1 << 20)
) -> ChildProcessConfiguration {
    ChildProcessConfiguration(
        executable: "/bin/sh",
        arguments: ["-c", script, "sh"] + extra,
        standardOutput: output,
        standardError: error
    )
}

/// A process counts as surviving only if `kill(pid, 0)` finds it and it is not a zombie:
/// killed grandchildren are re-parented to a subreaper that may reap them late (this
/// sandbox's does), and a zombie is dead.
private func survives(_ pid: pid_t) -> Bool {
    guard kill(pid, 0) == 0 else { return false }
    return ProcessControl.statusLine(pid: pid).map { $0.state != "Z" } ?? false
}

/// Polls until `pid` no longer survives, for at most two seconds: a signal sent with
/// `kill` is acted on when the target next runs, so right after the call it may still
/// be alive.
private func isGoneSoon(_ pid: pid_t) async -> Bool {
    let deadline = ContinuousClock.now.advanced(by: .seconds(2))
    while survives(pid) {
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return true
}

@Suite(.timeLimit(.minutes(1)))
struct ChildProcessTests {
    // MARK: Exit status

    @Test(arguments: [Int32(0), 1, 3, 255])
    func reportsTheExitCode(code: Int32) async throws {
        let result = try await ChildProcess.run(shell("exit \(code)"))
        #expect(result.status == .exited(code))
        #expect(result.status.description == "exited with code \(code)")
        #expect(result.timedOut == false)
        #expect(result.succeeded == (code == 0))
    }

    @Test(arguments: [("KILL", "SIGKILL"), ("TERM", "SIGTERM"), ("HUP", "SIGHUP"), ("INT", "SIGINT"), ("USR1", "SIGUSR1")])
    func reportsTheKillingSignalByName(signal: String, name: String) async throws {
        let result = try await ChildProcess.run(shell("kill -s \(signal) $$; sleep 5"))
        #expect(result.status.signal?.name == name)
        #expect(result.status.description == "killed by \(name)")
        #expect(result.description.contains(name))
    }

    @Test func measuresTheDuration() async throws {
        let result = try await ChildProcess.run(ChildProcessConfiguration(executable: "sleep", arguments: ["0.2"]))
        #expect(result.status == .exited(0))
        #expect(result.duration >= .milliseconds(200))
        #expect(result.duration < .seconds(30))
    }

    // MARK: Arguments, environment, working directory

    @Test func argvReachesTheChildUntouchedWithoutAShell() async throws {
        let arguments = ["a b", "c'd", "e\"f", "$HOME", "", ";|&>x", "*", "\\n", "tab\there", "ünï"]
        let result = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/usr/bin/printf",
            arguments: ["[%s]\\n"] + arguments,
            standardOutput: .collect(limit: 4096)
        ))
        #expect(result.status == .exited(0))
        #expect(result.standardOutput?.lines == arguments.map { "[\($0)]" })
    }

    @Test func argumentZeroCanBeSet() async throws {
        let result = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/bin/sh",
            arguments: ["-c", "echo \"$0\""],
            argumentZero: "-custom-zero",
            standardOutput: .collect(limit: 4096)
        ))
        #expect(result.standardOutput?.text == "-custom-zero\n")
    }

    @Test func environmentIsReplacedExactly() async throws {
        let result = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/usr/bin/env",
            environment: .exactly(["A": "1", "B": "two words", "EMPTY": "", "QUOTE": "x'\"y"]),
            standardOutput: .collect(limit: 4096)
        ))
        #expect(result.status == .exited(0))
        #expect(result.standardOutput?.lines.sorted() == ["A=1", "B=two words", "EMPTY=", "QUOTE=x'\"y"])
    }

    @Test func defaultEnvironmentIsOnlyPath() async throws {
        let result = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "env",
            standardOutput: .collect(limit: 4096)
        ))
        #expect(result.standardOutput?.lines == ["PATH=\(ChildProcessEnvironment.defaultPath)"])
    }

    @Test func inheritingIsOnRequestWithUpdatesAndRemovals() async throws {
        // Reads our own environment rather than calling setenv, which is unsafe while
        // other test threads may read environ.
        let ours = ChildProcessEnvironment.currentProcessEnvironment()
        let path = try #require(ours["PATH"])
        let removed = try #require(ours.keys.first { $0 != "PATH" })
        let result = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/usr/bin/env",
            environment: .inherited(updating: ["QVD_PROCESS_TEST_ADDED": "new"], removing: [removed]),
            standardOutput: .collect(limit: 1 << 20)
        ))
        let lines = result.standardOutput?.lines ?? []
        #expect(lines.contains("PATH=\(path)"))
        #expect(lines.contains("QVD_PROCESS_TEST_ADDED=new"))
        #expect(!lines.contains { $0.hasPrefix("\(removed)=") })
    }

    @Test func runsInTheWorkingDirectory() async throws {
        let directory = try TemporaryDirectory()
        let result = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/bin/pwd",
            workingDirectory: directory.path,
            standardOutput: .collect(limit: 4096)
        ))
        #expect(result.standardOutput?.text == directory.path + "\n")
        await directory.remove()
    }

    @Test func relativeExecutableIsFoundFromTheWorkingDirectory() async throws {
        let result = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "./true", workingDirectory: "/bin"
        ))
        #expect(result.status == .exited(0))
    }

    // MARK: Output

    @Test func streamsTenThousandLinesInOrderWithAPartialLastLine() async throws {
        let box = LineBox()
        let result = try await ChildProcess.run(shell(
            "seq -f 'line %g' 1 10000; printf 'tail without newline'",
            output: box.output
        ))
        #expect(result.status == .exited(0))
        let expected = (1...10000).map { "line \($0)" } + ["tail without newline"]
        let lines = box.lines
        #expect(lines.count == 10001)
        #expect(lines == expected)
    }

    @Test func streamsLinesThroughAnAsyncStreamWhileTheChildRuns() async throws {
        let (stream, output) = ChildProcessOutput.lineStream()
        let handle = try await ChildProcess.start(shell("seq 1 10000; printf end", output: output))
        var received: [String] = []
        for await line in stream {
            received.append(line)
        }
        let result = try await handle.wait()
        #expect(result.status == .exited(0))
        #expect(received == (1...10000).map(String.init) + ["end"])
    }

    @Test func longLinesArriveWholeOrInBoundedPieces() async throws {
        let whole = LineBox()
        _ = try await ChildProcess.run(shell("head -c 200000 /dev/zero | tr '\\0' x; echo; echo after", output: whole.output))
        #expect(whole.lines == [String(repeating: "x", count: 200_000), "after"])

        let pieces = LineBox()
        _ = try await ChildProcess.run(shell("head -c 2500 /dev/zero | tr '\\0' y; echo", output: pieces.output(maxLineLength: 1000)))
        #expect(pieces.lines == [String(repeating: "y", count: 1000), String(repeating: "y", count: 1000), String(repeating: "y", count: 500)])
    }

    @Test func standardErrorIsSeparateFromStandardOutput() async throws {
        let result = try await ChildProcess.run(shell("echo out1; echo err1 >&2; echo out2; echo err2 >&2; exit 4"))
        #expect(result.status == .exited(4))
        #expect(result.standardOutput?.text == "out1\nout2\n")
        #expect(result.standardError?.text == "err1\nerr2\n")
    }

    @Test func collectionIsBoundedButCountsEverything() async throws {
        let result = try await ChildProcess.run(shell("head -c 300000 /dev/zero", output: .collect(limit: 10)))
        #expect(result.status == .exited(0))
        #expect(result.standardOutput?.bytes == [UInt8](repeating: 0, count: 10))
        #expect(result.standardOutput?.totalByteCount == 300_000)
        #expect(result.standardOutput?.isTruncated == true)
    }

    @Test func discardedOutputIsNotCollected() async throws {
        let result = try await ChildProcess.run(shell("echo hidden; echo hidden >&2", output: .discard, error: .discard))
        #expect(result.status == .exited(0))
        #expect(result.standardOutput == nil)
        #expect(result.standardError == nil)
    }

    @Test func outputIsAppendedToAnOpenFile() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/child.log"
        let log = try FileDescriptor.open(
            path, .writeOnly, options: [.create, .append, .closeOnExec], permissions: [.ownerReadWrite]
        )
        _ = try log.writeAll(Array("existing line\n".utf8))
        for round in 1...2 {
            let result = try await ChildProcess.run(shell(
                "echo out \(round); echo err \(round) >&2",
                output: .fileDescriptor(log), error: .fileDescriptor(log)
            ))
            #expect(result.status == .exited(0))
        }
        try log.close()
        let reread = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/bin/cat", arguments: [path], standardOutput: .collect(limit: 4096)
        ))
        #expect(reread.standardOutput?.text == "existing line\nout 1\nerr 1\nout 2\nerr 2\n")
        await directory.remove()
    }

    // MARK: Input

    @Test func standardInputDefaultsToDevNull() async throws {
        let result = try await ChildProcess.run(shell("if read line; then echo \"read $line\"; else echo EOF; fi; readlink /proc/self/fd/0"))
        #expect(result.standardOutput?.lines == ["EOF", "/dev/null"])
    }

    @Test func standardInputFromBytes() async throws {
        let result = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/bin/cat",
            standardInput: .text("first\nsecond\n"),
            standardOutput: .collect(limit: 4096)
        ))
        #expect(result.standardOutput?.text == "first\nsecond\n")
    }

    @Test func childThatStopsReadingItsInputDoesNotHurtUs() async throws {
        // 4 MiB into a child that reads one byte and exits: our writes hit EPIPE.
        let result = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/usr/bin/head",
            arguments: ["-c", "1"],
            standardInput: .bytes([UInt8](repeating: 0x41, count: 4 << 20)),
            standardOutput: .collect(limit: 16)
        ))
        #expect(result.status == .exited(0))
        #expect(result.standardOutput?.text == "A")
    }

    @Test func inputHeldOpenByAGrandchildDoesNotDelayTheResult() async throws {
        // The shell hands its stdin to a background sleep that never reads it, then
        // exits: the 1 MiB we still have to write must not keep us waiting.
        let started = ContinuousClock.now
        let result = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/bin/sh",
            arguments: ["-c", "exec 3<&0; sleep 30 0<&3 3<&- >/dev/null 2>&1 & echo $! >&2; exit 5"],
            standardInput: .bytes([UInt8](repeating: 0x42, count: 1 << 20)),
            standardError: .collect(limit: 64)
        ))
        let grandchild = try #require(result.standardError?.lines.first.flatMap { pid_t($0) })
        defer { kill(grandchild, SIGKILL) }
        #expect(result.status == .exited(5))
        #expect(ContinuousClock.now - started < .seconds(15))  // far below the grandchild's 30 s
        #expect(survives(grandchild))
    }

    @Test func standardInputAndOutputOnASocket() async throws {
        var pair: [Int32] = [-1, -1]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0)
        let ours = FileDescriptor(rawValue: pair[0])
        let theirs = FileDescriptor(rawValue: pair[1])
        _ = try ours.writeAll(Array("hello over a socket\n".utf8))
        let result = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/bin/sh",
            arguments: ["-c", "read line; echo \"child got: $line\"; readlink /proc/self/fd/0 | cut -d: -f1 >&2"],
            standardInput: .fileDescriptor(theirs, closeAfterSpawn: true),
            standardOutput: .fileDescriptor(theirs),
            standardError: .collect(limit: 4096)
        ))
        #expect(result.status == .exited(0))
        #expect(result.standardError?.text == "socket\n")
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = try buffer.withUnsafeMutableBytes { try ours.read(into: $0) }
        #expect(String(decoding: buffer[..<count], as: UTF8.self) == "child got: hello over a socket\n")
        // The child's end was closed after the spawn: the peer sees end of file.
        #expect(try buffer.withUnsafeMutableBytes { try ours.read(into: $0) } == 0)
        try ours.close()
    }

    // MARK: Timeouts and process groups

    @Test func timeoutKillsTheWholeGroupWithSigkillWhenTermIsIgnored() async throws {
        let box = LineBox()
        var configuration = shell("trap '' TERM; sleep 100 & echo $!; echo $$; sleep 100", output: box.output)
        configuration.terminationGrace = .milliseconds(300)
        let started = ContinuousClock.now
        let result = try await ChildProcess.run(configuration, timeout: .milliseconds(300))
        #expect(result.timedOut)
        #expect(result.status == .signalled(.kill))
        #expect(result.status.description == "killed by SIGKILL")
        // 0.3 s + 0.3 s grace; the bound only shows that nothing waits for the 100 s sleeps.
        #expect(ContinuousClock.now - started < .seconds(30))
        let pids = box.lines.compactMap { pid_t($0) }
        try #require(pids.count == 2)
        for pid in pids {
            #expect(!survives(pid), "pid \(pid) of the group survived")
        }
        #expect(ProcessControl.livingMembers(ofProcessGroup: pids[1]).isEmpty)
    }

    @Test func timeoutEndsACooperativeGroupWithSigterm() async throws {
        let box = LineBox()
        var configuration = shell("sleep 100 & echo $!; echo $$; sleep 100", output: box.output)
        configuration.terminationGrace = .seconds(60)
        let started = ContinuousClock.now
        let result = try await ChildProcess.run(configuration, timeout: .milliseconds(300))
        #expect(result.timedOut)
        #expect(result.status == .signalled(.terminate))
        #expect(result.status.description == "killed by SIGTERM")
        // Everything obeyed TERM, so the 60 s grace was not waited out.
        #expect(ContinuousClock.now - started < .seconds(30))
        let pids = box.lines.compactMap { pid_t($0) }
        try #require(pids.count == 2)
        for pid in pids {
            #expect(!survives(pid), "pid \(pid) of the group survived")
        }
    }

    @Test func zeroGraceKillsAtOnce() async throws {
        var configuration = shell("sleep 100")
        configuration.terminationGrace = .zero
        let result = try await ChildProcess.run(configuration, timeout: .milliseconds(100))
        #expect(result.timedOut)
        #expect(result.status == .signalled(.kill))
    }

    @Test func childFinishingBeforeTheTimeoutIsNotTimedOut() async throws {
        let result = try await ChildProcess.run(shell("echo quick"), timeout: .seconds(10))
        #expect(!result.timedOut)
        #expect(result.status == .exited(0))
        #expect(result.standardOutput?.text == "quick\n")
    }

    @Test func cancellingRunEndsTheChild() async throws {
        let (stream, output) = ChildProcessOutput.lineStream()
        let task = Task {
            try await ChildProcess.run(shell("echo $$; exec sleep 100", output: output))
        }
        var iterator = stream.makeAsyncIterator()
        let pid = try #require(await iterator.next().flatMap { pid_t($0) })
        task.cancel()
        let outcome = await task.result
        #expect(throws: ChildProcessError.self) { try outcome.get() }
        if case .failure(let error as ChildProcessError) = outcome {
            #expect(error.kind == .cancelled)
        }
        #expect(!survives(pid))
    }

    // MARK: Long-lived handles

    @Test func handleSignalsAChildThatTrapsHangup() async throws {
        let (stream, output) = ChildProcessOutput.lineStream()
        let handle = try await ChildProcess.start(shell(
            // Bounded (20 s) so a crashed test run leaves nothing running for long.
            "trap 'echo got-HUP; exit 7' HUP; echo ready; i=0; while [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done",
            output: output
        ))
        #expect(handle.processGroupID == handle.pid)
        #expect(getpgid(handle.pid) == handle.pid)
        #expect(handle.isRunning)
        var lines = stream.makeAsyncIterator()
        #expect(await lines.next() == "ready")
        #expect(try handle.signal(.hangup) == true)
        #expect(await lines.next() == "got-HUP")
        let result = try await handle.wait()
        #expect(result.status == .exited(7))
        #expect(result.pid == handle.pid)
        #expect(await lines.next() == nil)
        #expect(!handle.isRunning)
        #expect(handle.result?.status == .exited(7))
        // Reaped: nothing left to signal, and no recycled pid is ever hit.
        #expect(try handle.signal(.hangup) == false)
    }

    @Test func cancelledWaitLeavesTheChildRunningAndTerminateEndsIt() async throws {
        let handle = try await ChildProcess.start(ChildProcessConfiguration(executable: "sleep", arguments: ["100"]))
        let waiter = Task { try await handle.wait() }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        let outcome = await waiter.result
        if case .failure(let error as ChildProcessError) = outcome {
            #expect(error.kind == .cancelled)
        } else {
            Issue.record("wait was not cancelled: \(outcome)")
        }
        #expect(handle.isRunning)
        #expect(survives(handle.pid))
        let result = try await handle.terminate(grace: .seconds(2))
        #expect(result.status == .signalled(.terminate))
        #expect(!survives(handle.pid))
        // Waiting again, and terminating again, give the same result.
        #expect(try await handle.wait().status == .signalled(.terminate))
        #expect(try await handle.terminate().status == .signalled(.terminate))
    }

    @Test func groupSignalReachesGrandchildren() async throws {
        let (stream, output) = ChildProcessOutput.lineStream()
        let handle = try await ChildProcess.start(shell("sleep 100 & echo $!; wait", output: output))
        var lines = stream.makeAsyncIterator()
        let grandchild = try #require(await lines.next().flatMap { pid_t($0) })
        #expect(try handle.signal(.kill, to: .processGroup) == true)
        let result = try await handle.wait()
        #expect(result.status == .signalled(.kill))
        #expect(await isGoneSoon(grandchild))
    }

    @Test func newSessionMakesTheChildASessionLeader() async throws {
        let handle = try await ChildProcess.start(ChildProcessConfiguration(
            executable: "sleep", arguments: ["100"], processGroup: .newSession
        ))
        #expect(getsid(handle.pid) == handle.pid)
        #expect(getpgid(handle.pid) == handle.pid)
        #expect(try await handle.terminate(grace: .zero).status == .signalled(.kill))
    }

    @Test func inheritedGroupHasNoGroupToSignal() async throws {
        let handle = try await ChildProcess.start(ChildProcessConfiguration(
            executable: "sleep", arguments: ["100"], processGroup: .inherit
        ))
        #expect(handle.processGroupID == nil)
        #expect(getpgid(handle.pid) == getpgrp())
        #expect(throws: ChildProcessError(executable: "sleep", kind: .noProcessGroup)) {
            try handle.signal(.terminate, to: .processGroup)
        }
        #expect(try await handle.terminate().status == .signalled(.terminate))
    }

    // MARK: Credentials

    @Test(.enabled(if: getuid() == 0, "switching users needs root"))
    func runsAsAnotherUserWithExactGroups() async throws {
        let result = try await ChildProcess.run(shell(
            "id -u; id -g; id -G",
            output: .collect(limit: 4096)
        ).with(credentials: ChildProcessCredentials(userID: 65534, groupID: 65534, supplementaryGroups: [65534])))
        #expect(result.status == .exited(0))
        #expect(result.standardOutput?.text == "65534\n65534\n65534\n")
    }

    @Test(.enabled(if: getuid() == 0, "switching users needs root"))
    func supplementaryGroupsAreReplacedNotInherited() async throws {
        let result = try await ChildProcess.run(shell(
            "id -u; id -g; id -G",
            output: .collect(limit: 4096)
        ).with(credentials: ChildProcessCredentials(userID: 65534, groupID: 100, supplementaryGroups: [100, 65534])))
        #expect(result.standardOutput?.text == "65534\n100\n100 65534\n")
    }

    @Test(.enabled(if: getuid() == 0, "switching users needs root"))
    func impossibleCredentialsAreATypedError() async throws {
        // (uid_t)-1 and (gid_t)-1 mean "no change" to the kernel and are refused (EINVAL).
        let error = await #expect(throws: ChildProcessError.self) {
            try await ChildProcess.run(shell("true").with(
                credentials: ChildProcessCredentials(userID: .max, groupID: .max, supplementaryGroups: [])
            ))
        }
        #expect(error?.kind == .credentialsRejected(userID: .max, groupID: .max))
        #expect(error?.errno == .invalidArgument)
        #expect(error?.description.contains("/bin/sh") == true)
    }

    @Test(.enabled(if: getuid() == 0, "switching users needs root"))
    func executableTheTargetUserMayNotRunIsPermissionDenied() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/root-only"
        let file = try FileDescriptor.open(path, .writeOnly, options: [.create], permissions: [.ownerReadWriteExecute])
        _ = try file.writeAll(Array("#!/bin/sh\nexit 0\n".utf8))
        try file.close()
        #expect(chmod(directory.path, 0o755) == 0)
        let error = await #expect(throws: ChildProcessError.self) {
            try await ChildProcess.run(ChildProcessConfiguration(
                executable: path,
                credentials: ChildProcessCredentials(userID: 65534, groupID: 65534, supplementaryGroups: [])
            ))
        }
        #expect(error?.kind == .permissionDenied)
        await directory.remove()
    }

    @Test(.enabled(if: getuid() != 0, "only an unprivileged parent is refused"))
    func unprivilegedSwitchIsATypedError() async throws {
        await #expect(throws: ChildProcessError.self) {
            try await ChildProcess.run(shell("true").with(
                credentials: ChildProcessCredentials(userID: 0, groupID: 0, supplementaryGroups: [])
            ))
        }
    }

    // MARK: Spawn errors

    @Test func missingExecutablePathIsNamed() async throws {
        let error = await #expect(throws: ChildProcessError.self) {
            try await ChildProcess.run(ChildProcessConfiguration(executable: "/nonexistent/qvd-no-such-tool"))
        }
        #expect(error?.kind == .executableNotFound(searched: []))
        #expect(error?.description.contains("/nonexistent/qvd-no-such-tool") == true)
        #expect(error?.description.contains("no such file") == true)
    }

    @Test func missingExecutableNameListsTheSearchedPath() async throws {
        let error = await #expect(throws: ChildProcessError.self) {
            try await ChildProcess.run(ChildProcessConfiguration(
                executable: "qvd-no-such-tool", environment: .exactly(["PATH": "/usr/bin:/bin"])
            ))
        }
        #expect(error?.kind == .executableNotFound(searched: ["/usr/bin", "/bin"]))
        #expect(error?.description == "cannot run 'qvd-no-such-tool': not found in PATH (searched /usr/bin, /bin)")
    }

    @Test func nonExecutableFileIsPermissionDenied() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/not-executable"
        let file = try FileDescriptor.open(path, .writeOnly, options: [.create], permissions: [.ownerReadWrite])
        _ = try file.writeAll(Array("#!/bin/sh\nexit 0\n".utf8))
        try file.close()
        let error = await #expect(throws: ChildProcessError.self) {
            try await ChildProcess.run(ChildProcessConfiguration(executable: path))
        }
        #expect(error?.kind == .permissionDenied)
        #expect(error?.description.contains(path) == true)
        await directory.remove()
    }

    @Test func scriptWithMissingInterpreterCannotExecute() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/bad-interpreter"
        let file = try FileDescriptor.open(path, .writeOnly, options: [.create], permissions: [.ownerReadWriteExecute])
        _ = try file.writeAll(Array("#!/nonexistent/interpreter\nexit 0\n".utf8))
        try file.close()
        let error = await #expect(throws: ChildProcessError.self) {
            try await ChildProcess.run(ChildProcessConfiguration(executable: path))
        }
        #expect(error?.kind == .cannotExecute)
        await directory.remove()
    }

    @Test func directoryIsNotARegularFile() async throws {
        let error = await #expect(throws: ChildProcessError.self) {
            try await ChildProcess.run(ChildProcessConfiguration(executable: "/tmp"))
        }
        #expect(error?.kind == .notARegularFile)
    }

    @Test func badWorkingDirectoryIsNamed() async throws {
        let error = await #expect(throws: ChildProcessError.self) {
            try await ChildProcess.run(ChildProcessConfiguration(executable: "/bin/true", workingDirectory: "/nonexistent/dir"))
        }
        #expect(error?.kind == .badWorkingDirectory("/nonexistent/dir"))
        #expect(error?.description.contains("/nonexistent/dir") == true)
    }

    @Test func nulBytesAreRejectedBeforeSpawning() async throws {
        let error = await #expect(throws: ChildProcessError.self) {
            try await ChildProcess.run(ChildProcessConfiguration(executable: "/bin/echo", arguments: ["ok", "bad\0arg"]))
        }
        #expect(error?.kind == .invalidArgument("argument 2 (contains a NUL byte)"))
        await #expect(throws: ChildProcessError.self) {
            try await ChildProcess.run(ChildProcessConfiguration(executable: "/usr/bin/env", environment: .exactly(["A=B": "x"])))
        }
    }

    @Test func failedStartStillEndsLineStreams() async throws {
        let (stream, output) = ChildProcessOutput.lineStream()
        await #expect(throws: ChildProcessError.self) {
            try await ChildProcess.start(ChildProcessConfiguration(executable: "/nonexistent/tool", standardOutput: output))
        }
        var iterator = stream.makeAsyncIterator()
        #expect(await iterator.next() == nil)
    }

    // MARK: Isolation of the child

    @Test func childGetsOnlyDescriptorsZeroOneTwo() async throws {
        // A descriptor opened without close-on-exec, as careless code elsewhere might.
        let stray = open("/dev/null", O_RDONLY)
        try #require(stray >= 0)
        defer { close(stray) }
        let script = "ls /proc/$$/fd"
        let plain = try await ChildProcess.run(shell(script))
        #expect(plain.standardOutput?.lines == ["0", "1", "2"])
        if getuid() == 0 {
            // The uid switch takes swift-subprocess's fork/exec path: check it too.
            let switched = try await ChildProcess.run(shell(script).with(
                credentials: ChildProcessCredentials(userID: 65534, groupID: 65534, supplementaryGroups: [])
            ))
            #expect(switched.standardOutput?.lines == ["0", "1", "2"])
        }
    }

    @Test func signalDispositionsAndMaskAreReset() async throws {
        // The agent ignores SIGPIPE (as NIO does); children must not inherit that.
        signal(SIGPIPE, SIG_IGN)
        let configuration = ChildProcessConfiguration(
            executable: "/bin/grep",
            arguments: ["-E", "^Sig(Blk|Ign):", "/proc/self/status"],
            standardOutput: .collect(limit: 4096)
        )
        var results = [try await ChildProcess.run(configuration)]
        if getuid() == 0 {
            // The uid switch takes swift-subprocess's fork/exec path: check it too.
            results.append(try await ChildProcess.run(configuration.with(
                credentials: ChildProcessCredentials(userID: 65534, groupID: 65534, supplementaryGroups: [])
            )))
        }
        for result in results {
            let lines = result.standardOutput?.lines ?? []
            try #require(lines.count == 2)
            #expect(lines[0] == "SigBlk:\t0000000000000000")
            let ignored = try #require(UInt64(lines[1].dropFirst("SigIgn:\t".count), radix: 16))
            // Signals 1-31 must all be at their defaults. glibc's posix_spawn itself
            // leaves its two reserved signals (32 and 33, never visible to glibc
            // programs) ignored in every child it spawns, so they are not checked.
            #expect(ignored & 0x7FFF_FFFF == 0, "ignored signals mask \(lines[1])")
        }
    }

    @Test func manyConcurrentRunsKeepTheirOwnOutput() async throws {
        try await withThrowingTaskGroup(of: (Int, ChildProcessResult).self) { group in
            for index in 0..<40 {
                group.addTask {
                    (index, try await ChildProcess.run(shell("echo \"$1\"; exit $(($1 % 7))", ["\(index)"])))
                }
            }
            var seen = 0
            for try await (index, result) in group {
                #expect(result.standardOutput?.text == "\(index)\n")
                #expect(result.status == .exited(Int32(index % 7)))
                seen += 1
            }
            #expect(seen == 40)
        }
    }
}

extension ChildProcessConfiguration {
    fileprivate func with(credentials: ChildProcessCredentials) -> Self {
        var copy = self
        copy.credentials = credentials
        return copy
    }
}
