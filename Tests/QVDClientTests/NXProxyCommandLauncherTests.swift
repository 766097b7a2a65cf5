import Foundation
import Testing
@testable import QVDClient

/// The real launcher, with a shell script standing in for nxproxy that records its argv
/// and environment.
@Suite struct NXProxyCommandLauncherTests {
    @Test func argvEnvironmentAndStop() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let script = try dir.write("""
            #!/bin/sh
            printf '%s\\n' "$@" > '\(dir.path)/args.tmp'
            printf '%s\\n' "$NX_CLIENT" "$NX_SLAVE_CMD" "$QVD_SLAVE_CMD" > '\(dir.path)/env'
            mv '\(dir.path)/args.tmp' '\(dir.path)/args'
            exec sleep 30
            """, to: "nxproxy")
        chmod(script, 0o755)
        let launcher = NXProxyCommandLauncher(settings: NXProxySettings(
            executable: script, extraOptions: ["cache=8M"], slaveEnabled: true, slaveCommand: "/bin/true", printing: true))
        let process = try await launcher.launch(listenerPort: 40_123, slavePort: 62_001)
        let deadline = ContinuousClock.now + .seconds(10)
        while !FileManager.default.fileExists(atPath: dir.path + "/args"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let args = try String(contentsOfFile: dir.path + "/args", encoding: .utf8)
        let env = try String(contentsOfFile: dir.path + "/env", encoding: .utf8)
        #expect(args == "-S\nslave=62001\ncups=631\ncache=8M\nlocalhost:36123\n")
        #expect(env == "/bin/false\n/bin/true\n/bin/true\n")
        await process.stop()
        let how = await process.waitForExit()
        #expect(how.hasPrefix("nxproxy ended: "))
    }

    @Test func missingExecutableIsAnNXProxyError() async {
        let launcher = NXProxyCommandLauncher(settings: NXProxySettings(executable: "/nonexistent/nxproxy"))
        let error = await #expect(throws: ClientError.self) { try await launcher.launch(listenerPort: 40_000, slavePort: nil) }
        #expect(error?.code == .nxproxy)
        #expect(error?.code.rawValue == 13)
    }
}
