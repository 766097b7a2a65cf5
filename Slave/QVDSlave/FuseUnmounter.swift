import Logging
import QVDCore

/// Unmounts a FUSE mount as its owner: `fusermount3 -u -z` (or `fusermount`), lazily so a
/// busy or dead mount still goes (upstream's VMA used `umount -l`, which an unprivileged
/// session user cannot run on FUSE).
public struct FuseUnmounter: Sendable {
    /// The program; `nil` when neither `fusermount3` nor `fusermount` is installed.
    public var program: String?
    public var logger: Logger

    public init(program: String?, logger: Logger) {
        self.program = program
        self.logger = logger
    }

    /// Whether the unmount succeeded.
    public func unmount(_ path: String) -> Bool {
        guard let program else {
            logger.error("cannot unmount \(path): neither fusermount3 nor fusermount is installed")
            return false
        }
        let logger = logger
        return BlockingTask.run {
            do throws(ChildProcessError) {
                let result = try await ChildProcess.run(
                    ChildProcessConfiguration(executable: program, arguments: ["-u", "-z", "--", path],
                                              standardError: .collect(limit: 4096)),
                    timeout: .seconds(10))
                if !result.succeeded {
                    logger.warning("\(program) -u -z \(path): \(result.status): \(result.standardError?.text ?? "")")
                }
                return result.succeeded
            } catch {
                logger.error("cannot run \(program): \(error)")
                return false
            }
        }
    }
}
