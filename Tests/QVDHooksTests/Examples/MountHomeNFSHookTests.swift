#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QVDCore
import Testing
@testable import QVDHooks

/// `Hooks/examples/mount-home-nfs` run by the hook runner as qvd-vma runs it on a fresh
/// start. There is no NFS server here, so `mount` (and, in one test, `mountpoint`) are
/// recorders first on PATH: the tests check the exact mount command, the home directory
/// and the failure paths, not a real NFS mount.
@Suite struct MountHomeNFSHookTests {
    private func setUp(mountStatus: Int = 0, alreadyMounted: Bool = false) throws -> TemporaryDirectory {
        let temp = try TemporaryDirectory()
        _ = try temp.makeDirectory("bin")
        _ = try temp.makeDirectory("homes")
        try temp.script("bin/mount", """
            for a in "$@"; do echo "$a"; done > '\(temp.file("mount.argv"))'
            [ \(mountStatus) -eq 0 ] && touch "$6/.mounted-from-nfs"
            exit \(mountStatus)
            """)
        if alreadyMounted {
            try temp.script("bin/mountpoint", "exit 0")
        }
        try """
            # test settings
            NFS_HOME_SERVER = files.example.com
            NFS_HOME_OPTIONS=rw,hard,nosuid,nodev,vers=4.2
            """.write(toFile: temp.file("nfs-home.conf"), atomically: false, encoding: .utf8)
        return temp
    }

    private func runner(_ temp: TemporaryDirectory, extra: [String: String] = [:]) throws -> HookRunner {
        let environment = ["PATH": temp.file("bin") + ":/usr/bin:/bin", "HOME": "/root",
                           "NFS_HOME_CONFIG": temp.file("nfs-home.conf")].merging(extra) { $1 }
        return try ExampleHooks.runner(temp, hooks: [.provisioning(.mountHome): ExampleHooks.path("mount-home-nfs")],
                                       environment: environment)
    }

    /// x_start's parameters after the agent filled in its defaults.
    private func mountHomeCall(_ temp: TemporaryDirectory, user: String) -> HookInvocation {
        .provisioning(.mountHome, parameters: [
            HookParameter("qvd.vm.user.name", user),
            HookParameter("qvd.client.keyboard", "pc105/us"),
            HookParameter("qvd.vm.user.groups", "qvduser"),
            HookParameter("qvd.vm.user.home", temp.file("homes/\(user)")),
        ])
    }

    @Test func mountsTheUsersExportOnTheHome() async throws {
        let temp = try setUp()
        defer { temp.remove() }

        let records = try await runner(temp).run(mountHomeCall(temp, user: "alice"))

        #expect(records.map(\.succeeded) == [true])
        #expect(temp.lines("mount.argv") == ["-t", "nfs", "-o", "rw,hard,nosuid,nodev,vers=4.2",
                                              "files.example.com:/export/alice", temp.file("homes/alice")])
        #expect(temp.exists("homes/alice/.mounted-from-nfs"))
        var status = stat()
        #expect(stat(temp.file("homes/alice"), &status) == 0)
        #expect(status.st_mode & 0o777 == 0o755)
        #expect((temp.read("qvd-hooks.log") ?? "").contains("mount-home-nfs: mounted files.example.com:/export/alice on \(temp.file("homes/alice"))"))
    }

    @Test func theEnvironmentOverridesTheSettingsFile() async throws {
        let temp = try setUp()
        defer { temp.remove() }

        let records = try await runner(temp, extra: ["NFS_HOME_SERVER": "10.0.0.7", "NFS_HOME_EXPORT": "/srv/homes/", "NFS_HOME_TYPE": "nfs4"])
            .run(mountHomeCall(temp, user: "bob"))

        #expect(records.map(\.succeeded) == [true])
        #expect(temp.lines("mount.argv") == ["-t", "nfs4", "-o", "rw,hard,nosuid,nodev,vers=4.2",
                                              "10.0.0.7:/srv/homes/bob", temp.file("homes/bob")])
    }

    @Test func aFailedMountFailsTheStartAndLeavesNoHomeBehind() async throws {
        let temp = try setUp(mountStatus: 32)
        defer { temp.remove() }
        let hook = ExampleHooks.path("mount-home-nfs")

        let error = await #expect(throws: HookError.self) {
            try await runner(temp).run(mountHomeCall(temp, user: "carol"))
        }

        #expect(error?.description == "hook \(hook) for on provisioning mount_home failed, rc: 32\n")
        #expect(!temp.exists("homes/carol"))
        #expect((temp.read("qvd-hooks.log") ?? "").contains(
            "mount-home-nfs: mount -t nfs -o rw,hard,nosuid,nodev,vers=4.2 files.example.com:/export/carol \(temp.file("homes/carol")) failed with status 32"))
    }

    @Test(arguments: ["../etc", "a/b", "-oremount", "Root"])
    func refusesAUserNameThatIsNotALoginName(_ user: String) async throws {
        let temp = try setUp()
        defer { temp.remove() }

        let error = await #expect(throws: HookError.self) {
            try await runner(temp).run(mountHomeCall(temp, user: user))
        }

        #expect(error?.kind == .failed(.exited(1)))
        #expect(!temp.exists("mount.argv"))
        #expect((temp.read("qvd-hooks.log") ?? "").contains("mount-home-nfs: user name '\(user)' (qvd.vm.user.name) is not a valid login name"))
    }

    @Test func withoutAServerItFailsAndSaysWhatToSet() async throws {
        let temp = try setUp()
        defer { temp.remove() }
        try "# nothing set\n".write(toFile: temp.file("nfs-home.conf"), atomically: false, encoding: .utf8)

        let error = await #expect(throws: HookError.self) {
            try await runner(temp).run(mountHomeCall(temp, user: "dave"))
        }

        #expect(error?.kind == .failed(.exited(1)))
        #expect(!temp.exists("mount.argv"))
        #expect((temp.read("qvd-hooks.log") ?? "").contains("mount-home-nfs: no NFS server: set NFS_HOME_SERVER in \(temp.file("nfs-home.conf"))"))
    }

    @Test func anAlreadyMountedHomeIsLeftAlone() async throws {
        let temp = try setUp(alreadyMounted: true)
        defer { temp.remove() }
        _ = try temp.makeDirectory("homes/erin")

        let records = try await runner(temp).run(mountHomeCall(temp, user: "erin"))

        #expect(records.map(\.succeeded) == [true])
        #expect(!temp.exists("mount.argv"))
        #expect((temp.read("qvd-hooks.log") ?? "").contains("mount-home-nfs: \(temp.file("homes/erin")) is already mounted"))
    }
}
