import Foundation
import QVDCore
import QVDSFTP
import QVDSlave
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Shared folders end to end through the **real NX slave channel**: `qvdclient` (with
/// nxproxy `slave=`) shares three folders (`client.share.0..2`) with a VM whose agent runs
/// the real nxagent `slave=1` as a throw-away user (``SharesSessionRig``). One session
/// serves every check in order (a session costs ~15 s to bring up); the last check kills
/// `qvdclient` mid-transfer.
@Suite(.serialized) struct SharesEndToEndTests {
    static let mebibytes64 = 64 << 20

    @Test(.enabled(if: SharesBinaries.canRun), .timeLimit(.minutes(20)))
    func clientFoldersThroughTheWholeNXPath() async throws {
        let rig = try SharesSessionRig()
        do {
            try await run(rig)
        } catch {
            Issue.record("shares end-to-end failed: \(error)\n\(rig.diagnostics)")
        }
        await rig.tearDown()
        #expect(access(rig.root, F_OK) != 0)
    }

    func run(_ rig: SharesSessionRig) async throws {
        try "client bytes".write(toFile: rig.sharedFolder + "/día.txt", atomically: false, encoding: .utf8)
        try "read only".write(toFile: rig.readOnlyFolder + "/keep.txt", atomically: false, encoding: .utf8)
        try await rig.startAll()
        try await rig.startClient()

        // 1. The shares appear as ~/Redirected/<name> for the VM user (the probe share is
        //    handed to the test's SFTP client instead of sshfs, so it is no mount).
        let appeared = await SharesSessionRig.waitUntil(timeout: .seconds(60)) { rig.redirectedMounts.count == 2 }
        #expect(appeared, "mounts: \(rig.redirectedMounts)\n\(rig.diagnostics)")
        #expect(rig.redirectedMounts == ["Datos compartidos ñ", "solo-lectura"])
        guard appeared else { return }
        let listing = try await rig.asVMUser("ls -1 \"$HOME/Redirected\"")
        #expect(listing.standardOutput?.text == "Datos compartidos ñ\nprobe\nsolo-lectura\n")
        let mount = rig.redirected + "/Datos compartidos ñ"
        let readOnly = rig.redirected + "/solo-lectura"
        #expect(rig.clientLog.contains("sharing \(rig.sharedFolder) as ~/Redirected/Datos compartidos ñ"))
        #expect(rig.clientLog.contains("sharing \(rig.readOnlyFolder) as ~/Redirected/solo-lectura (read-only)"))
        let firstRead = try await rig.asVMUser("cat '\(mount)/día.txt'")
        #expect(firstRead.standardOutput?.text == "client bytes")

        let keeper = SlaveLinkKeeper(port: 11000 + rig.agentDisplay, key: try rig.clientSlaveKey())
        do {
            try await sameBytesBothWays(rig, mount: mount)
            try await manySmallFiles(rig, mount: mount)
            try await utf8Names(rig, mount: mount)
            try await opensAFileOnTheVM(rig, mount: mount)
            try await renameMkdirRmdirSymlink(rig, mount: mount)
            try await readOnlyShareRefusesWrites(rig, mount: readOnly)
            try await wrongKeysAreRefusedBothWays(rig)
            try await confinedAgainstAHostileSFTPClient(rig)
        } catch {
            await keeper.stop()
            throw error
        }
        await keeper.stop()
        #expect(keeper.answers.load(ordering: .relaxed) > 0)
        try await killingTheClientMidTransferDropsTheMount(rig, mount: mount)
    }

    /// SHA-256 of a 64 MiB file written on the client, read in the VM, and the other way.
    func sameBytesBothWays(_ rig: SharesSessionRig, mount: String) async throws {
        let written = try await rig.onClient("/bin/sh", ["-c", "head -c \(Self.mebibytes64) /dev/urandom > '\(rig.sharedFolder)/big-client.bin'"])
        #expect(written.status.exitCode == 0)
        let clientDigest = try await rig.clientSHA256(rig.sharedFolder + "/big-client.bin")
        var start = ContinuousClock.now
        let vmRead = try await rig.asVMUser("sha256sum '\(mount)/big-client.bin'", timeout: .seconds(420))
        let readTime = ContinuousClock.now - start
        #expect(clientDigest.count == 64)
        #expect(vmRead.standardOutput?.text.prefix(64).description == clientDigest, "\(vmRead.standardError?.text ?? "")")

        start = ContinuousClock.now
        let vmWrite = try await rig.asVMUser(
            "head -c \(Self.mebibytes64) /dev/urandom > '\(mount)/big-vm.bin' && sha256sum '\(mount)/big-vm.bin'", timeout: .seconds(420))
        let writeTime = ContinuousClock.now - start
        #expect(vmWrite.status.exitCode == 0, "\(vmWrite.standardError?.text ?? "")")
        let vmDigest = vmWrite.standardOutput?.text.prefix(64).description ?? ""
        #expect(vmDigest.count == 64)
        #expect(try await rig.clientSHA256(rig.sharedFolder + "/big-vm.bin") == vmDigest)
        #expect((try FileManager.default.attributesOfItem(atPath: rig.sharedFolder + "/big-vm.bin")[.size] as? Int) == Self.mebibytes64)
        print("shares-e2e: 64 MiB VM read \(readTime), VM write (+ read back for the digest) \(writeTime)")
    }

    /// 1000 small files made in the VM are all on the client with their bytes, and 1000
    /// made on the client are all in the VM.
    func manySmallFiles(_ rig: SharesSessionRig, mount: String) async throws {
        let made = try await rig.asVMUser(
            "mkdir '\(mount)/many-vm' && i=1; while [ $i -le 1000 ]; do printf 'vm file %d' $i > '\(mount)/many-vm/f'$i.txt || exit 1; i=$((i+1)); done",
            timeout: .seconds(300))
        #expect(made.status.exitCode == 0, "\(made.standardError?.text ?? "")")
        let onClient = try FileManager.default.contentsOfDirectory(atPath: rig.sharedFolder + "/many-vm")
        #expect(onClient.count == 1000)
        #expect(try String(contentsOfFile: rig.sharedFolder + "/many-vm/f537.txt", encoding: .utf8) == "vm file 537")

        try FileManager.default.createDirectory(atPath: rig.sharedFolder + "/many-client", withIntermediateDirectories: false)
        for index in 1...1000 {
            try "client file \(index)".write(toFile: rig.sharedFolder + "/many-client/f\(index).txt", atomically: false, encoding: .utf8)
        }
        let digestScript = "cd '%@' && ls | wc -l && LC_ALL=C cat $(LC_ALL=C ls) | sha256sum"
        let vmSide = try await rig.asVMUser(digestScript.replacingOccurrences(of: "%@", with: mount + "/many-client"), timeout: .seconds(300))
        let clientSide = try await rig.onClient("/bin/sh", ["-c", digestScript.replacingOccurrences(of: "%@", with: rig.sharedFolder + "/many-client")])
        #expect(vmSide.standardOutput?.text.hasPrefix("1000\n") == true, "\(vmSide.standardError?.text ?? "")")
        #expect(vmSide.standardOutput?.text == clientSide.standardOutput?.text)
    }

    func utf8Names(_ rig: SharesSessionRig, mount: String) async throws {
        try "€uro".write(toFile: rig.sharedFolder + "/ñandú €.txt", atomically: false, encoding: .utf8)
        try "日本".write(toFile: rig.sharedFolder + "/日本語.txt", atomically: false, encoding: .utf8)
        let seen = try await rig.asVMUser("cat '\(mount)/ñandú €.txt' '\(mount)/日本語.txt' && printf 'Ελλάδα' > '\(mount)/Ελληνικά.txt'")
        #expect(seen.standardOutput?.text == "€uro日本")
        #expect(try String(contentsOfFile: rig.sharedFolder + "/Ελληνικά.txt", encoding: .utf8) == "Ελλάδα")
        let names = try await rig.asVMUser("LC_ALL=C ls '\(mount)' | grep -v -e '^big' -e '^many'")
        #expect(names.standardOutput?.text == "día.txt\nñandú €.txt\nΕλληνικά.txt\n日本語.txt\n")
    }

    /// `qvd-slaveclient open FILE` on the client → `POST /open/…` → the VM's
    /// `command.open_file`, here a stand-in that records its argument (no desktop to open on).
    func opensAFileOnTheVM(_ rig: SharesSessionRig, mount: String) async throws {
        let open = try await rig.onClient(SharesBinaries.slaveClient, ["open", rig.sharedFolder + "/día.txt"], timeout: .seconds(60))
        #expect(open.status.exitCode == 0, "\(open.standardError?.text ?? "")")
        #expect(await SharesSessionRig.waitUntil(timeout: .seconds(10)) { !rig.opened.isEmpty })
        #expect(rig.opened == [mount + "/día.txt"])
    }

    func renameMkdirRmdirSymlink(_ rig: SharesSessionRig, mount: String) async throws {
        let done = try await rig.asVMUser("""
            cd '\(mount)' && mkdir nueva && mv día.txt nueva/día-renombrado.txt && mkdir vacía && rmdir vacía \
            && ln -s nueva/día-renombrado.txt enlace && cat enlace && readlink enlace
            """)
        #expect(done.status.exitCode == 0, "\(done.standardError?.text ?? "")")
        #expect(done.standardOutput?.text == "client bytesnueva/día-renombrado.txt\n")
        let folder = rig.sharedFolder
        #expect(!FileManager.default.fileExists(atPath: folder + "/día.txt"))
        #expect(try String(contentsOfFile: folder + "/nueva/día-renombrado.txt", encoding: .utf8) == "client bytes")
        #expect(!FileManager.default.fileExists(atPath: folder + "/vacía"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/enlace") == "nueva/día-renombrado.txt")
    }

    func readOnlyShareRefusesWrites(_ rig: SharesSessionRig, mount: String) async throws {
        let read = try await rig.asVMUser("cat '\(mount)/keep.txt'")
        #expect(read.standardOutput?.text == "read only")
        for script in ["echo nope > '\(mount)/new.txt'", "rm '\(mount)/keep.txt'", "mkdir '\(mount)/d'", "echo more >> '\(mount)/keep.txt'"] {
            let refused = try await rig.asVMUser(script)
            let message = refused.standardError?.text ?? ""
            #expect(refused.status.exitCode != 0, "\(script) succeeded on a read-only share")
            #expect(message.contains("Read-only file system") || message.contains("Permission denied"), "\(script): \(message)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: rig.readOnlyFolder) == ["keep.txt"])
        #expect(try String(contentsOfFile: rig.readOnlyFolder + "/keep.txt", encoding: .utf8) == "read only")
    }

    /// A wrong key gets 403 from the VM's slave server (through nxproxy's slave port) and
    /// from the client's (through nxagent's, 11000 + display).
    func wrongKeysAreRefusedBothWays(_ rig: SharesSessionRig) async throws {
        let clientSlavePort = try rig.clientSlavePort()
        let wrong = try #require(SlaveKey("not-the-session-key"))
        let toVM = SlaveHTTPClient(port: clientSlavePort, key: wrong)
        let toClient = SlaveHTTPClient(port: 11000 + rig.agentDisplay, key: wrong)
        let (vmAnswer, clientAnswer) = try await offPool {
            (try toVM.send(method: "PUT", target: "/shares//etc", upgrade: true).head.status.code,
             try toClient.send(method: "GET", target: "/ping").head.status.code)
        }
        #expect(vmAnswer == 403)
        #expect(clientAnswer == 403)
        #expect(!FileManager.default.fileExists(atPath: rig.redirected + "/etc"))
    }

    /// From the VM side, an SFTP client (``SFTPProbe``) talks to the client's confined
    /// server through the real slave channel: absolute paths, `..`, symlinks planted inside
    /// pointing out, and a directory swapped for an outward symlink while it reads.
    func confinedAgainstAHostileSFTPClient(_ rig: SharesSessionRig) async throws {
        let probeFolder = rig.probeFolder
        let outside = rig.outsideFolder
        try "inside".write(toFile: probeFolder + "/inside.txt", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: probeFolder + "/out-rel", withDestinationPath: "../secret.txt")
        try FileManager.default.createSymbolicLink(atPath: probeFolder + "/out-abs", withDestinationPath: outside + "/secret.txt")
        try FileManager.default.createSymbolicLink(atPath: probeFolder + "/out-dir", withDestinationPath: outside)
        try FileManager.default.createDirectory(atPath: probeFolder + "/flip", withIntermediateDirectories: false)
        try "harmless".write(toFile: probeFolder + "/flip/secret.txt", atomically: false, encoding: .utf8)
        let outsideBefore = try FileManager.default.contentsOfDirectory(atPath: outside).sorted()
        let canary = Array(SharesSessionRig.canary.utf8)

        let probe = try await offPool { try SFTPProbe(accepting: rig.probeListener, timeout: 60) }
        let results = try await offPool { () -> [String: String] in
            var seen: [String: String] = [:]
            func describe(_ result: Result<[UInt8], SFTPRefusal>) -> String {
                switch result {
                case .success(let bytes): return bytes == canary ? "LEAKED" : "read \(String(decoding: bytes, as: UTF8.self))"
                case .failure(let refusal): return "refused" + (refusal.code == .ok ? " ok?" : "")
                }
            }
            seen["version"] = String(try probe.initialize())
            seen["inside"] = describe(try probe.readFile("inside.txt"))
            for path in ["/secret.txt", outside + "/secret.txt", "../secret.txt", "../../../../../" + outside + "/secret.txt",
                         "/../secret.txt", "out-rel", "out-abs", "out-dir/secret.txt", "flip/../../secret.txt"] {
                seen[path] = describe(try probe.readFile(path))
            }
            if case .success(let names) = try probe.list("..") {
                seen["list .."] = names.contains("secret.txt") ? "LEAKED" : "inside"
            } else {
                seen["list .."] = "refused"
            }
            if case .success(let names) = try probe.list("out-dir") {
                seen["list out-dir"] = names.contains("secret.txt") ? "LEAKED" : "inside"
            } else {
                seen["list out-dir"] = "refused"
            }
            seen["realpath .."] = (try? probe.realpath("..").get()).map { $0.hasPrefix(outside) ? "LEAKED" : "inside" } ?? "refused"
            seen["rename out"] = (try probe.status { .rename(id: $0, oldPath: Array("inside.txt".utf8), newPath: Array("../moved.txt".utf8)) })
                .map { $0 == .ok ? "done" : "refused" } ?? "other"
            seen["mkdir out"] = (try probe.status { .mkdir(id: $0, path: Array("../escape".utf8), attributes: .empty) })
                .map { $0 == .ok ? "done" : "refused" } ?? "other"
            seen["write via link"] = describe(.failure(SFTPRefusal(code: try probe.status {
                .open(id: $0, path: Array("out-abs".utf8), flags: [.write, .truncate], attributes: .empty)
            } ?? .ok)))
            return seen
        }
        #expect(results["version"] == "3")
        #expect(results["inside"] == "read inside")
        for path in ["/secret.txt", outside + "/secret.txt", "../secret.txt", "../../../../../" + outside + "/secret.txt",
                     "/../secret.txt", "out-rel", "out-abs", "out-dir/secret.txt", "flip/../../secret.txt"] {
            #expect(results[path] == "refused", "\(path): \(results[path] ?? "-")")
        }
        #expect(results["list .."] == "inside")
        #expect(results["list out-dir"] == "refused")
        #expect(results["realpath .."] != "LEAKED")
        // `..` at the share's root is the root (as in a chroot): these land inside.
        #expect(results["rename out"] == "done")
        #expect(FileManager.default.fileExists(atPath: probeFolder + "/moved.txt"))
        #expect(results["mkdir out"] == "done")
        #expect(FileManager.default.fileExists(atPath: probeFolder + "/escape"))
        #expect(results["write via link"] == "refused")

        // The race: the client side swaps `flip` for a symlink to the outside folder and back
        // while the VM side reads flip/secret.txt; no read may return the outside file.
        let flipper = Thread { Self.flip(probeFolder + "/flip", outward: outside, times: 300) }
        flipper.start()
        let raced = try await offPool { () -> (leaked: Int, read: Int) in
            var leaked = 0
            var read = 0
            for _ in 0..<300 {
                if case .success(let bytes) = try probe.readFile("flip/secret.txt") {
                    read += 1
                    if bytes == canary { leaked += 1 }
                }
            }
            return (leaked, read)
        }
        while flipper.isExecuting { try await Task.sleep(for: .milliseconds(20)) }
        #expect(raced.leaked == 0, "\(raced.read) reads succeeded")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).sorted() == outsideBefore)
        #expect(try String(contentsOfFile: outside + "/secret.txt", encoding: .utf8) == SharesSessionRig.canary)
        #expect(try String(contentsOfFile: probeFolder + "/moved.txt", encoding: .utf8) == "inside")
    }

    static func flip(_ path: String, outward: String, times: Int) {
        let aside = path + ".aside"
        for _ in 0..<times {
            guard rename(path, aside) == 0 else { return }
            _ = symlink(outward, path)
            usleep(500)
            unlink(path)
            rename(aside, path)
            usleep(500)
        }
    }

    /// SIGKILL to `qvdclient` while the VM writes a big file: within 5 s the VM has no
    /// mount under ~/Redirected and its user runs no sshfs.
    func killingTheClientMidTransferDropsTheMount(_ rig: SharesSessionRig, mount: String) async throws {
        let client = try #require(rig.client)
        let writer = try await ChildProcess.start(ChildProcessConfiguration(
            executable: "/usr/sbin/runuser",
            arguments: ["-u", rig.login, "--", "/bin/sh", "-c", "dd if=/dev/zero of='\(mount)/killed.bin' bs=1M count=512"],
            environment: .exactly(["PATH": SharesBinaries.systemPath, "HOME": rig.vmHome]),
            standardOutput: .discard, standardError: .discard))
        let growing = await SharesSessionRig.waitUntil(timeout: .seconds(20)) {
            ((try? FileManager.default.attributesOfItem(atPath: rig.sharedFolder + "/killed.bin")[.size] as? Int) ?? 0) > 1 << 20
        }
        #expect(growing)
        kill(client.pid, SIGKILL)
        let killedAt = ContinuousClock.now
        let gone = await SharesSessionRig.waitUntil(timeout: .seconds(5)) { rig.redirectedMounts.isEmpty }
        let elapsed = ContinuousClock.now - killedAt
        #expect(gone, "still mounted after \(elapsed): \(rig.redirectedMounts)")
        var sshfs = await rig.sshfsProcesses()
        if !sshfs.isEmpty, ContinuousClock.now - killedAt < .seconds(5) {
            try await Task.sleep(until: killedAt + .seconds(5), clock: .continuous)
            sshfs = await rig.sshfsProcesses()
        }
        #expect(sshfs.isEmpty, "\(sshfs)")
        print("shares-e2e: mount gone \(elapsed) after SIGKILL to qvdclient")
        _ = try? await writer.terminate(grace: .seconds(2))
    }

    /// Blocking work on a plain thread, so the concurrency pool stays free for the
    /// child-process monitors.
    func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }
}
