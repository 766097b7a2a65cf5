import Testing
@testable import QVDSlave

@Suite struct SSHFSCommandLineTests {
    @Test func parsesVersions() {
        #expect(SSHFSFlavour.parse(versionOutput: "SSHFS version 3.7.3\nFUSE library version 3.14.0\n") == SSHFSFlavour(major: 3))
        #expect(SSHFSFlavour.parse(versionOutput: "SSHFS version 2.8\nFUSE library version: 2.9.9\n") == SSHFSFlavour(major: 2))
        #expect(SSHFSFlavour.parse(versionOutput: "usage: sshfs\n") == nil)
    }

    @Test func sshfs3UsesPassiveAndDropsAtomicOTrunc() {
        let command = SSHFSCommandLine(
            program: "/usr/bin/sshfs", mountPoint: "/home/u/Redirected/alice", flavour: SSHFSFlavour(major: 3),
            userID: 1000, groupID: 1001, extraArguments: ["-o", "idmap=user", "-o", "atomic_o_trunc", "-oreconnect,atomic_o_trunc"],
            upgrade: SlaveUpgrade())
        #expect(command.arguments == [
            "qvd-client:", "/home/u/Redirected/alice", "-o", "passive", "-o", "uid=1000", "-o", "gid=1001",
            "-o", "idmap=user", "-oreconnect",
        ])
    }

    @Test func sshfs2UsesSlaveAndKeepsAtomicOTrunc() {
        let command = SSHFSCommandLine(
            program: "/usr/lib/qvd/bin/sshfs", mountPoint: "/m", flavour: SSHFSFlavour(major: 2),
            userID: 5, groupID: 6, extraArguments: ["-o", "idmap=user", "-o", "atomic_o_trunc"],
            upgrade: SlaveUpgrade(charset: "ISO-8859-1"))
        #expect(command.arguments == [
            "qvd-client:", "/m", "-o", "slave", "-o", "atomic_o_trunc", "-o", "uid=5", "-o", "gid=6",
            "-o", "idmap=user", "-o", "atomic_o_trunc", "-o", "modules=iconv,from_code=ISO-8859-1,to_code=utf-8",
        ])
    }

    @Test func utf8CharsetNeedsNoIconv() {
        let command = SSHFSCommandLine(program: "sshfs", mountPoint: "/m", flavour: SSHFSFlavour(major: 3), userID: 0, groupID: 0,
                                       extraArguments: [], upgrade: SlaveUpgrade(charset: "UTF-8"))
        #expect(!command.arguments.contains { $0.contains("iconv") })
    }
}
