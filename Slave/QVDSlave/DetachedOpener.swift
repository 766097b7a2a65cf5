#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import QVDCore
import SystemPackage

/// Starts the desktop's opener (`xdg-open` and the like) for `/open` and `/open-url`, in a
/// session of its own and not awaited: it may live as long as the application it starts
/// (upstream forked and forgot it too). Its stderr joins ours (the NX log on each side).
enum DetachedOpener {
    static func start(_ program: String, argument: String, environment: ChildProcessEnvironment) -> Result<pid_t, ChildProcessError> {
        BlockingTask.run {
            do throws(ChildProcessError) {
                let handle = try await ChildProcess.start(ChildProcessConfiguration(
                    executable: program, arguments: [argument], environment: environment,
                    processGroup: .newSession,
                    standardError: .fileDescriptor(FileDescriptor.standardError, closeAfterSpawn: false)))
                return .success(handle.pid)
            } catch {
                return .failure(error)
            }
        }
    }
}
