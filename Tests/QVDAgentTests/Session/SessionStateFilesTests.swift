import Testing
import QVDHooks
@testable import QVDAgent

@Suite("SessionStateFiles and SessionStateRecord")
struct SessionStateFilesTests {
    @Test("paths under path.run, overridable as the internal.vma.* keys allow")
    func paths() {
        let files = SessionStateFiles(runDirectory: "/srv/qvd-oracle/run/")
        #expect(files.stateFilePath == "/srv/qvd-oracle/run/nxagent.state")
        #expect(files.pidFilePath == "/srv/qvd-oracle/run/nxagent.pid")
        #expect(files.optionsFilePath == "/srv/qvd-oracle/run/nxagent.conf")
        #expect(files.slaveConfigPath == "/srv/qvd-oracle/run/slave.conf")
        #expect(files.printingConfigPath == "/srv/qvd-oracle/run/printing.conf")
        #expect(SessionStateFiles(runDirectory: "/r", optionsFilePath: "/etc/nx.conf").optionsFilePath == "/etc/nx.conf")
        #expect(SessionStateFiles().stateFilePath == "/var/run/qvd/nxagent.state")
    }

    @Test("modes: 0644 for state/pid/options/printing, 0600 for the slave key, 0755 for the directory")
    func modes() {
        #expect(SessionStateFiles.stateFileMode == 0o644)
        #expect(SessionStateFiles.pidFileMode == 0o644)
        #expect(SessionStateFiles.optionsFileMode == 0o644)
        #expect(SessionStateFiles.printingConfigMode == 0o644)
        #expect(SessionStateFiles.slaveConfigMode == 0o600)
        #expect(SessionStateFiles.runDirectoryMode == 0o755)
        #expect(SessionStateFiles.upstreamStateFileMode == 644)   // upstream's decimal 644
    }

    @Test("state file bytes as observed: <state>:<epoch> and LF")
    func stateFileContents() {
        #expect(SessionStateRecord(state: .initiating, timestamp: 1_795_725_198).fileContents == "initiating:1795725198\n")
        #expect(SessionStateRecord(state: .starting, timestamp: 1_795_725_000).fileContents == "starting:1795725000\n")
        #expect(SessionStateRecord(state: .suspended, timestamp: nil).fileContents == "suspended\n")
    }

    @Test("every state written round-trips through parse")
    func roundTrip() {
        for state in SessionNXState.allCases {
            let record = SessionStateRecord(state: state, timestamp: 1_795_725_198)
            #expect(SessionStateRecord.parse(fileContents: record.fileContents) == .record(record))
        }
    }

    @Test("reading odd state files")
    func parseOdd() {
        #expect(SessionStateRecord.parse(fileContents: "") == .empty)
        #expect(SessionStateRecord.parse(fileContents: "\n") == .empty)
        #expect(SessionStateRecord.parse(fileContents: "started") == .record(SessionStateRecord(state: .started, timestamp: nil)))
        #expect(SessionStateRecord.parse(fileContents: "started:") == .record(SessionStateRecord(state: .started, timestamp: nil)))
        #expect(SessionStateRecord.parse(fileContents: "reconnecting:12\n") == .unreadable(line: "reconnecting:12"))
        #expect(SessionStateRecord.parse(fileContents: "started:12x\n") == .unreadable(line: "started:12x"))
        #expect(SessionStateRecord.parse(fileContents: "started:-1\n") == .unreadable(line: "started:-1"))
    }

    @Test("pid file: the pid and LF; parse refuses junk")
    func pidFile() {
        #expect(SessionStateFiles.pidFileContents(4242) == "4242\n")
        #expect(SessionStateFiles.parsePIDFile("4242\n") == 4242)
        #expect(SessionStateFiles.parsePIDFile("4242") == 4242)
        #expect(SessionStateFiles.parsePIDFile("") == nil)
        #expect(SessionStateFiles.parsePIDFile("0\n") == nil)
        #expect(SessionStateFiles.parsePIDFile("-3\n") == nil)
        #expect(SessionStateFiles.parsePIDFile("12 13\n") == nil)
        #expect(SessionStateFiles.parsePIDFile("99999999999\n") == nil)
    }

    @Test("internal to reported state mapping of upstream-vma.md §2.2")
    func mapping() {
        let expected: [SessionNXState: ReportedSessionState] = [
            .initiating: .starting, .provisioning: .provisioning, .starting: .listening, .resuming: .listening,
            .started: .connected, .resumed: .connected, .suspending: .suspending, .suspended: .suspended,
            .terminating: .stopping, .aborting: .stopping, .terminated: .stopped, .aborted: .stopped, .stopped: .stopped,
        ]
        for state in SessionNXState.allCases { #expect(state.reported == expected[state]) }
        #expect(ReportedSessionState.allCases.map(\.rawValue)
            == ["stopped", "starting", "provisioning", "listening", "connected", "suspending", "suspended", "stopping"])
    }
}

@Suite("SessionParameters")
struct SessionParametersTests {
    @Test("last value wins at the first position; a key without = is empty (transcript S36)")
    func duplicates() {
        let parameters = SessionParameters([("custom.dup", "first"), ("a", "1"), ("custom.dup", "second"), ("custom.flag", nil)])
        #expect(parameters.flattened == ["custom.dup", "second", "a", "1", "custom.flag", ""])
        #expect(parameters["custom.dup"] == "second")
        #expect(parameters["missing"] == nil)
        #expect(parameters.dictionary == ["custom.dup": "second", "a": "1", "custom.flag": ""])
    }

    @Test("setDefault only fills missing keys, at the end")
    func defaults() {
        var parameters: SessionParameters = ["qvd.vm.user.name": "qvdtest"]
        parameters.setDefault("qvd.vm.user.name", to: "qvd")
        parameters.setDefault("qvd.vm.user.groups", to: "qvduser")
        #expect(parameters.flattened == ["qvd.vm.user.name", "qvdtest", "qvd.vm.user.groups", "qvduser"])
    }

    @Test("hook argv: parameters then the four-item trailer (upstream-vma.md §4.2)")
    func hookArguments() {
        let run = SessionHookRun.awaited(1, .preConnect, ["qvd.client.os": "linux"], state: .stopped)
        #expect(run.arguments == ["qvd.client.os", "linux", "qvd.vm.session.state", "stopped", "qvd.hook.on_action", "pre_connect"])
        #expect(SessionHookRun.awaited(2, .suspend, state: .connected).arguments
            == ["qvd.vm.session.state", "connected", "qvd.hook.on_action", "suspend"])
        #expect([HookEvent.state(.stopped).argumentKey, HookEvent.state(.stopped).upstreamName] == ["qvd.hook.on_state", "stopped"])
        #expect(HookEvent.state(.stopped).configurationKey == "vma.on_state.disconnected")
        #expect(HookEvent.SessionState.connected.printingConfigKey == "internal.vma.on_printing.connected")
        #expect(HookEvent.action(.preConnect).configurationKey == "vma.on_action.pre-connect")
        #expect(HookEvent.action(.disconnect).configurationKey == "vma.on_action.disconnect")
    }
}
