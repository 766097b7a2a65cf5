import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The built programs under test and the system programs the tests drive. The binaries are
/// the ones `swift build` put beside the test bundle (Swift Testing runs inside
/// `.build/<config>/<package>PackageTests.xctest`), as `QVDClientBinaryTests` finds them.
enum EndToEndBinaries {
    static var directory: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    }

    static var agent: String { directory + "/qvd-vma" }
    static var stub: String { directory + "/qvd-l7r-stub" }
    static var client: String { directory + "/qvdclient" }

    static let systemPath = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"

    /// The stub and the client are built: the error matrix and the strict-stub test can run.
    static var clientAndStubBuilt: Bool {
        [stub, client].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Everything for a real session: root (the agent provisions a throw-away user), the
    /// NX programs, Xvfb, ImageMagick's `import`, `xwininfo`, `xsetroot`, `xclock` and the
    /// three built binaries.
    static var canRunSession: Bool {
        getuid() == 0 && clientAndStubBuilt && FileManager.default.isExecutableFile(atPath: agent)
            && ["/usr/bin/nxagent", "/usr/bin/nxproxy", "/usr/bin/Xvfb", "/usr/bin/xinit", "/usr/bin/import",
                "/usr/bin/xwininfo", "/usr/bin/xsetroot", "/usr/bin/xclock", "/usr/sbin/useradd"]
            .allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
