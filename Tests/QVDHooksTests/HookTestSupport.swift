#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import QVDCore
@testable import QVDHooks

/// A directory under /tmp for one test, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/qvd-hooks-test.XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return mkdtemp(base) != nil
        }
        guard made else { throw TestSetupError("mkdtemp failed: errno \(errno)") }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Writes a script (`#!/bin/sh` plus `body`) with the given mode and returns its path.
    @discardableResult
    func script(_ name: String, _ body: String, mode: Int = 0o755) throws -> String {
        let target = file(name)
        try ("#!/bin/sh\n" + body + "\n").write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: target)
        return target
    }

    func makeDirectory(_ name: String) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        return target
    }

    func read(_ name: String) -> String? {
        try? String(contentsOfFile: file(name), encoding: .utf8)
    }

    func lines(_ name: String) -> [String] {
        guard let text = read(name) else { return [] }
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A script that records how it was called into `<dir>/<name>.argv` (one item per line),
/// `<name>.env` (the exec environment, one per line) and `<name>.info` (identity, cwd,
/// umask, descriptors, argc), prints one line on stdout and one on stderr, then exits
/// with `status`.
func recorderScript(in directory: TemporaryDirectory, name: String, status: Int = 0, extra: String = "") throws -> String {
    let record = directory.file(name)
    return try directory.script(name, """
    fds="fd0=$(readlink /proc/$$/fd/0) fd1=$(readlink /proc/$$/fd/1) fd2=$(readlink /proc/$$/fd/2)"
    {
      echo "id=$(id)"
      echo "cwd=$(readlink /proc/$$/cwd)"
      echo "umask=$(umask)"
      for fd in $fds; do echo "$fd"; done
      echo "argc=$#"
    } > '\(record).info'
    for a in "$@"; do printf '%s\\n' "$a"; done > '\(record).argv'
    tr '\\000' '\\n' < /proc/$$/environ > '\(record).env'
    echo "stdout of \(name)"
    echo "stderr of \(name)" >&2
    \(extra)
    exit \(status)
    """)
}

/// A logger writing into memory, to check the swift-log events the runner emits.
func memoryLogger() -> (Logger, InMemoryLogSink) {
    let sink = InMemoryLogSink()
    let logger = Logger(label: "vma.hooks") { label in
        QVDLogHandler(label: label, sink: sink, threshold: .minimum(.trace))
    }
    return (logger, sink)
}

/// The environment hooks inherit in these tests, like the recording's clean one.
let testBaseEnvironment = ["HOME": "/root", "PATH": "/usr/local/bin:/usr/bin:/bin"]

/// The parameters of transcript step S36's x_start, as received (with the duplicate and
/// the key without `=`), plus the VMA's defaults appended.
let s36Parameters: [HookParameter] = [
    HookParameter("qvd.vm.user.name", "qvdtest"),
    HookParameter("qvd.client.keyboard", "pc105/us"),
    HookParameter("qvd.client.os", "linux"),
    HookParameter("qvd.client.link", "lan"),
    HookParameter("qvd.client.geometry", "1024x768"),
    HookParameter("qvd.client.fullscreen", "0"),
    HookParameter("qvd.slave.key", "QvdOracle0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"),
    HookParameter("custom.foo", "bar"),
    HookParameter("custom.note", "café & bár=1/2%"),
    HookParameter("custom.dup", "first"),
    HookParameter("custom.dup", "second"),
    HookParameter("custom.flag", ""),
    HookParameter("qvd.vm.user.groups", "qvduser"),
    HookParameter("qvd.vm.user.home", "/srv/qvd-oracle/home/qvdtest"),
]

/// S36's parameters as the hook's argv must carry them: duplicate collapsed in place, and
/// the slave key left out (it travels in the environment only: secrets never in argv).
let s36ExpectedPairs: [String] = [
    "qvd.vm.user.name", "qvdtest",
    "qvd.client.keyboard", "pc105/us",
    "qvd.client.os", "linux",
    "qvd.client.link", "lan",
    "qvd.client.geometry", "1024x768",
    "qvd.client.fullscreen", "0",
    "custom.foo", "bar",
    "custom.note", "café & bár=1/2%",
    "custom.dup", "second",
    "custom.flag", "",
    "qvd.vm.user.groups", "qvduser",
    "qvd.vm.user.home", "/srv/qvd-oracle/home/qvdtest",
]

/// Whether `pid` is a living (non-zombie) process.
func isAlive(_ pid: pid_t) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")")
    else { return false }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard let state = fields.first else { return false }
    return state != "Z" && state != "X"
}

/// The process's umask, read without changing it for long.
func currentUmask() -> mode_t {
    let mask = umask(0o022)
    umask(mask)
    return mask
}

/// The hooks-log lines our runner wrote (time and pid removed), skipping the hooks'
/// own output.
func runLines(inHooksLog text: String) -> [String] {
    text.split(separator: "\n").compactMap { line -> String? in
        let fields = line.split(separator: " ", maxSplits: 2)
        guard fields.count == 3, fields[0].hasSuffix("Z"), Int(fields[1]) != nil else { return nil }
        return String(fields[2])
    }
}

/// A run line with its trailing duration (`in 0.012 s`) replaced by `in <d> s`.
func maskingDuration(_ line: String) -> String {
    guard let range = line.range(of: " in ", options: .backwards), line.hasSuffix(" s") else { return line }
    let number = line[range.upperBound..<line.index(line.endIndex, offsetBy: -2)]
    guard number.allSatisfy({ $0.isNumber || $0 == "." }) else { return line }
    return line[..<range.lowerBound] + " in <d> s"
}
