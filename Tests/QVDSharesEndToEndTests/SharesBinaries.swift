import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The built programs under test (beside the test bundle, as `swift build` puts them) and
/// the system programs the shares tests drive.
enum SharesBinaries {
    static var directory: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    }

    static var agent: String { directory + "/qvd-vma" }
    static var stub: String { directory + "/qvd-l7r-stub" }
    static var client: String { directory + "/qvdclient" }
    static var vmSlaveServer: String { directory + "/qvd-vma-slaveserver" }
    static var clientSlaveServer: String { directory + "/qvd-client-slaveserver" }
    static var slaveClient: String { directory + "/qvd-slaveclient" }

    static let systemPath = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"

    /// Root (a throw-away user, FUSE), FUSE and sshfs, the NX programs, Xvfb, and the built binaries.
    static var canRun: Bool {
        getuid() == 0 && access("/dev/fuse", R_OK | W_OK) == 0
            && [agent, stub, client, vmSlaveServer, clientSlaveServer, slaveClient].allSatisfy { (path: String) in access(path, X_OK) == 0 }
            && ["/usr/bin/nxagent", "/usr/bin/nxproxy", "/usr/bin/Xvfb", "/usr/bin/xinit", "/usr/bin/sshfs",
                "/usr/sbin/useradd", "/usr/bin/sha256sum"].allSatisfy { (path: String) in access(path, X_OK) == 0 }
    }
}
