#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import QVDCore
import QVDSlave
import SystemPackage

/// `mount REMOTE LOCAL`: `GET /shares/<REMOTE>`; on `101` local sshfs mounts the VM folder
/// on LOCAL in passive mode over the same socket (`upstream-slave-channel.md` §2.2 B). Runs
/// in the foreground until the mount ends (`fusermount3 -u LOCAL`, or the session ends).
struct MountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mount", abstract: "Mount a VM folder on a local folder (in the foreground, until unmounted).")

    @Argument(help: ArgumentHelp("The VM folder: absolute, or relative to the VM user's home.", valueName: "remote"))
    var remote: String

    @Argument(help: ArgumentHelp("The local mount point (created if missing).", valueName: "local"))
    var local: String

    func run() throws {
        try SlaveClientContext.run { () throws(SlaveError) in
            let context = try SlaveClientContext.load()
            if !FileManager.default.fileExists(atPath: local) {
                try? FileManager.default.createDirectory(atPath: local, withIntermediateDirectories: true)
            }
            let mountPoint = try SlaveClientContext.canonical(local, directory: true)
            let program = try context.program("command.sshfs", fallback: "sshfs")
            let flavour = SSHFSFlavour.detect(program: program, cacheFile: nil)
            let extra = (try? context.configuration.list("client.sshfs.extra_args", style: .shellWords)) ?? []
            let response = try SlaveClientContext.expect(
                try context.client.send(method: "GET", target: "/shares/" + SlavePathEncoding.encode(remote), upgrade: true),
                .switchingProtocols, "mount \(remote)")
            guard let socket = response.socket else { return }
            defer { close(socket) }
            let arguments = ["qvd-vm:", mountPoint, "-o", flavour.passiveOption] + extra
            let result: Result<ChildProcessResult, ChildProcessError> = runBlocking {
                do throws(ChildProcessError) {
                    return .success(try await ChildProcess.run(ChildProcessConfiguration(
                        executable: program, arguments: arguments,
                        standardInput: .fileDescriptor(FileDescriptor(rawValue: socket), closeAfterSpawn: false),
                        standardOutput: .fileDescriptor(FileDescriptor(rawValue: socket), closeAfterSpawn: false),
                        standardError: .fileDescriptor(.standardError, closeAfterSpawn: false))))
                } catch {
                    return .failure(error)
                }
            }
            switch result {
            case .success(let finished) where finished.status.isSuccess:
                return
            case .success(let finished):
                throw SlaveError(.process, "mount \(remote) on \(mountPoint)", "\(program) ended with \(finished.status)")
            case .failure(let error):
                throw SlaveError(.process, "mount \(remote) on \(mountPoint)", "\(error)")
            }
        }
    }
}
