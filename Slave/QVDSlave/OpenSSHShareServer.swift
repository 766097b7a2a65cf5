import QVDCore
import SystemPackage

/// ``ShareServing`` by OpenSSH's `sftp-server -e` (`-R` when read-only) run with the folder
/// as its working directory and the stream on its stdin/stdout: upstream's way
/// (`upstream-slave-channel.md` §3.3). Not confined: kept for comparisons and benchmarks.
public struct OpenSSHShareServer: ShareServing {
    public var program: String

    public init(program: String = "/usr/lib/openssh/sftp-server") {
        self.program = program
    }

    public func serve(root: String, readOnly: Bool, input: Int32, output: Int32) throws(SlaveError) {
        let program = program
        let result: Result<ChildProcessResult, ChildProcessError> = BlockingTask.run {
            do throws(ChildProcessError) {
                return .success(try await ChildProcess.run(ChildProcessConfiguration(
                    executable: program,
                    arguments: ["-e"] + (readOnly ? ["-R"] : []),
                    workingDirectory: root,
                    standardInput: .fileDescriptor(FileDescriptor(rawValue: input), closeAfterSpawn: false),
                    standardOutput: .fileDescriptor(FileDescriptor(rawValue: output), closeAfterSpawn: false),
                    standardError: .fileDescriptor(FileDescriptor.standardError, closeAfterSpawn: false))))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let finished) where finished.status.isSuccess || finished.status.signal != nil:
            return
        case .success(let finished):
            throw SlaveError(.process, "serve \(root) with \(program)", "it ended with \(finished.status)")
        case .failure(let error):
            throw SlaveError(.process, "serve \(root) with \(program)", "\(error)")
        }
    }
}
