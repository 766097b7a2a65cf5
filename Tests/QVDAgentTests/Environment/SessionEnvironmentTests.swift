#if canImport(Glibc)
import Glibc
#endif
import Logging
import QVDCore
import Testing
@testable import QVDAgent

struct SessionEnvironmentTests {
    static let silent = Logger(label: "test.environment") { _ in SwiftLogNoOpLogHandler() }

    /// A user whose files the test (running as root or not) owns.
    static func identity(home: String, uid: uid_t = geteuid()) -> SessionIdentity {
        SessionIdentity(userName: "alice", userID: uid, groupID: 1000, groups: [1000, 27], homeDirectory: home, shell: "/bin/zsh")
    }

    static func configuration(_ directory: EnvironmentTestDirectory, slaveCommand: String = "/usr/lib/qvd/bin/qvd-vma-slaveserver") -> SessionEnvironmentConfiguration {
        SessionEnvironmentConfiguration(
            display: 100,
            dialogHelper: "/usr/lib/qvd/bin/qvd-nxdialog",
            slaveCommand: slaveCommand,
            agentPath: "/usr/local/bin:/usr/bin:/bin",
            systemFiles: ["locale.conf", "default/locale", "environment"].map { directory.path + "/etc/" + $0 },
            runtimeDirectoryRoot: "/run/user"
        )
    }

    @Test func withoutFilesTheSessionGetsExactlyTheBaseVariables() throws {
        let directory = try EnvironmentTestDirectory()
        let home = try directory.makeDirectory("home")
        let environment = SessionEnvironment.build(for: Self.identity(home: home, uid: 4242), configuration: Self.configuration(directory), logger: Self.silent)
        #expect(environment.variables == [
            "HOME": home,
            "USER": "alice",
            "LOGNAME": "alice",
            "MAIL": "/var/mail/alice",
            "SHELL": "/bin/zsh",
            "PATH": "/usr/local/bin:/usr/bin:/bin:/sbin/",
            "DISPLAY": ":100",
            "XDG_RUNTIME_DIR": "/run/user/4242",
            "LANG": "en_US.UTF-8",
            "NX_CLIENT": "/usr/lib/qvd/bin/qvd-nxdialog",
            "NX_SLAVE_CMD": "/usr/lib/qvd/bin/qvd-vma-slaveserver",
            "QVD_SLAVE_CMD": "/usr/lib/qvd/bin/qvd-vma-slaveserver",
        ])
        #expect(environment.warnings == [])
        #expect(environment.childProcessEnvironment == .exactly(environment.variables))
    }

    @Test func filesAreAppliedInOrderWithQuotesAndCommentsStripped() throws {
        let directory = try EnvironmentTestDirectory()
        let home = try directory.makeDirectory("home")
        try directory.write("etc/locale.conf", "LANG=\"de_DE.UTF-8\"\nLC_TIME=de_DE.UTF-8 # dates\n")
        try directory.write("etc/default/locale", "# Created by debconf\nLANG='es_ES.UTF-8'\nLANGUAGE=\"es_ES:es\"\nbad line\n")
        try directory.write("etc/environment", "PATH=\"/opt/bin:/usr/bin:/bin\"\nHOME=/root\nEDITOR=vim\n")
        try directory.write("home/.qvd_environment", "# mine\nEDITOR='nano'\nGTK_THEME=\"Adwaita:dark\"\nexport X=1\nDISPLAY=:0\nNX_CLIENT=/tmp/evil\n", mode: 0o600)

        let environment = SessionEnvironment.build(for: Self.identity(home: home), configuration: Self.configuration(directory), logger: Self.silent)
        #expect(environment.variables == [
            "HOME": home,
            "USER": "alice",
            "LOGNAME": "alice",
            "MAIL": "/var/mail/alice",
            "SHELL": "/bin/zsh",
            "PATH": "/opt/bin:/usr/bin:/bin",
            "DISPLAY": ":100",
            "XDG_RUNTIME_DIR": "/run/user/\(geteuid())",
            "LANG": "es_ES.UTF-8",
            "LC_TIME": "de_DE.UTF-8",
            "LANGUAGE": "es_ES:es",
            "EDITOR": "nano",
            "GTK_THEME": "Adwaita:dark",
            "NX_CLIENT": "/usr/lib/qvd/bin/qvd-nxdialog",
            "NX_SLAVE_CMD": "/usr/lib/qvd/bin/qvd-vma-slaveserver",
            "QVD_SLAVE_CMD": "/usr/lib/qvd/bin/qvd-vma-slaveserver",
        ])
        let etc = directory.path + "/etc/"
        #expect(environment.warnings == [
            .malformedLine(file: etc + "default/locale", lineNumber: 4, problem: .missingEquals),
            .protectedVariable(file: etc + "environment", lineNumber: 2, name: "HOME"),
            .malformedLine(file: home + "/.qvd_environment", lineNumber: 4, problem: .invalidName("export X")),
            .protectedVariable(file: home + "/.qvd_environment", lineNumber: 5, name: "DISPLAY"),
        ])
        #expect(environment.warnings[1].description == "\(etc)environment:2: HOME is set by the agent for the session; line ignored")
    }

    @Test func anEmptyLangGetsTheDefaultAndAnEmptySlaveCommandSetsNothing() throws {
        let directory = try EnvironmentTestDirectory()
        let home = try directory.makeDirectory("home")
        try directory.write("etc/environment", "LANG=\n")
        var configuration = Self.configuration(directory, slaveCommand: "")
        configuration.defaultLanguage = "ca_ES.UTF-8"
        configuration.dialogHelper = ""
        configuration.display = 7
        let environment = SessionEnvironment.build(for: Self.identity(home: home), configuration: configuration, logger: Self.silent)
        #expect(environment.variables["LANG"] == "ca_ES.UTF-8")
        #expect(environment.variables["DISPLAY"] == ":7")
        #expect(environment.variables["NX_CLIENT"] == nil)
        #expect(environment.variables["NX_SLAVE_CMD"] == nil)
        #expect(environment.variables["QVD_SLAVE_CMD"] == nil)
    }

    @Test(.enabled(if: geteuid() == 0, "needs root to give the file another owner"))
    func aUserFileOwnedBySomeoneElseIsRefusedAndLogged() throws {
        let directory = try EnvironmentTestDirectory()
        let home = try directory.makeDirectory("home")
        let file = try directory.write("home/.qvd_environment", "EDITOR=vim\n", mode: 0o644)
        #expect(chown(file, 4343, 4343) == 0)
        let sink = InMemoryLogSink()
        let logger = Logger(label: "vma.session") { label in QVDLogHandler(label: label, sink: sink) }

        let environment = SessionEnvironment.build(for: Self.identity(home: home, uid: 4242), configuration: Self.configuration(directory), logger: logger)
        #expect(environment.variables["EDITOR"] == nil)
        #expect(environment.warnings == [.refusedFile(file: file, reason: .wrongOwner(4343))])
        #expect(sink.lines.count == 1)
        #expect(sink.lines.first?.hasSuffix("session environment for alice: environment file \(file) not read: it belongs to uid 4343, neither the user nor root") == true)

        // The same file owned by the user is read.
        #expect(chown(file, 4242, 4242) == 0)
        let accepted = SessionEnvironment.build(for: Self.identity(home: home, uid: 4242), configuration: Self.configuration(directory), logger: Self.silent)
        #expect(accepted.variables["EDITOR"] == "vim")
        #expect(accepted.warnings == [])
    }

    @Test func aWritableUserFileIsRefused() throws {
        let directory = try EnvironmentTestDirectory()
        let home = try directory.makeDirectory("home")
        let file = try directory.write("home/.qvd_environment", "EDITOR=vim\n", mode: 0o666)
        let environment = SessionEnvironment.build(for: Self.identity(home: home), configuration: Self.configuration(directory), logger: Self.silent)
        #expect(environment.variables["EDITOR"] == nil)
        #expect(environment.warnings == [.refusedFile(file: file, reason: .writableByOthers(mode: 0o666))])
        #expect(environment.warnings.first?.description == "environment file \(file) not read: it is writable by group or others (mode 0666)")
    }

    @Test func pathGetsSbinOnce() {
        #expect(SessionEnvironment.sessionPath(agentPath: "/usr/bin:/bin") == "/usr/bin:/bin:/sbin/")
        #expect(SessionEnvironment.sessionPath(agentPath: "/usr/bin:/sbin/") == "/usr/bin:/sbin/")
        #expect(SessionEnvironment.sessionPath(agentPath: "/sbin:/usr/bin") == "/sbin:/usr/bin")
        #expect(SessionEnvironment.sessionPath(agentPath: "") == ChildProcessEnvironment.defaultPath)
        #expect(SessionEnvironment.sessionPath(agentPath: nil) == ChildProcessEnvironment.defaultPath)
    }

    @Test func identityFromTheUserDatabase() throws {
        let root = try SessionIdentity.lookup(userName: "root")
        #expect(root.userID == 0)
        #expect(root.groupID == 0)
        #expect(root.groups.first == 0)
        #expect(root.homeDirectory == "/root")
        #expect(root.workingDirectory == "/root")
        #expect(root.credentials == ChildProcessCredentials(userID: 0, groupID: 0, supplementaryGroups: root.groups))
        #expect(throws: UserAccount.LookupError.self) { try SessionIdentity.lookup(userName: "qvdt-no-such-user") }
        #expect(SessionIdentity(userName: "x", userID: 1, groupID: 1, groups: [1], homeDirectory: "/", shell: "").shell == "/bin/sh")
    }
}
