import Logging
import QVDSFTP
import SystemPackage

/// ``ShareServing`` by the project's own SFTP v3 server (`QVDSFTP.SFTPServer`), in-process
/// and **confined** to the shared folder (spec README, deliberate difference 4; issue 5).
public struct ConfinedShareServer: ShareServing {
    public var logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func serve(root: String, readOnly: Bool, input: Int32, output: Int32) throws(SlaveError) {
        do {
            let server = try SFTPServer(configuration: SFTPServerConfiguration(root: FilePath(root), readOnly: readOnly),
                                        logger: logger)
            try server.serve(input: FileDescriptor(rawValue: input), output: FileDescriptor(rawValue: output))
        } catch {
            throw SlaveError(.process, "serve \(root) over SFTP", "\(error)")
        }
    }
}
