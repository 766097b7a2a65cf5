import Testing
@testable import QVDAgent

@Suite("NXAgentLogLineParser")
struct NXAgentLogLineParserTests {
    let parser = NXAgentLogLineParser()

    /// Every line nxagent 3.5.99.26 printed in a real run here (display 183, slave=1, media=1,
    /// nxproxy attached, HUP, TERM) and the lines of upstream-vma-observed.md §4.10, with the
    /// event each must give.
    static let observedLines: [(String, NXAgentEvent?)] = [
        ("Info: Agent running with pid '10912'.", .agentPID(10912)),
        ("Session: Starting session at 'Thu Nov 26 23:01:31 2026'.", .session(.starting)),
        ("Info: Proxy running in client mode with pid '10912'.", nil),
        ("Info: Using errors file '/root/.nx/C-183/errors'.", nil),
        ("Info: Waiting for connection from any host on socket 'tcp:*:4183'.", .waitingForConnection(port: 4183)),
        ("Info: Accepted connection from '127.0.0.1'.", nil),
        ("Info: Connection with remote proxy completed.", nil),
        ("Info: Using LAN link parameters 1536/24/1/0.", nil),
        ("Info: Listening to X11 connections on display ':183'.", nil),
        ("Info: Listening to multimedia connections on port 'tcp:localhost:7183'.", .listeningToMultimediaConnections(port: 7183)),
        ("Info: Listening to slave connections on port 'tcp:localhost:11183'.", .listeningToSlaveConnections(port: 11183)),
        ("Info: Established X client connection.", nil),
        ("Warning: Cannot read keystroke file '/root/.nx/config/keystrokes.cfg'.", nil),
        ("  close_session         : Ctrl+Alt+t", nil),
        ("Session: Session started at 'Thu Nov 26 23:01:32 2026'.", .session(.started)),
        ("Info: Screen [0] resized to geometry [768x576] fullscreen [1].", nil),
        ("Session: Suspending session at 'Thu Nov 26 23:01:35 2026'.", .session(.suspending)),
        ("Info: Waiting the cleanup timeout to complete.", nil),
        ("Session: Session suspended at 'Thu Nov 26 23:01:36 2026'.", .session(.suspended)),
        ("Session: Resuming session at 'Thu Nov 26 23:02:00 2026'.", .session(.resuming)),
        ("Session: Session resumed at 'Thu Nov 26 23:02:01 2026'.", .session(.resumed)),
        ("Session: Terminating session at 'Thu Nov 26 23:01:38 2026'.", .session(.terminating)),
        ("Session: Session terminated at 'Thu Nov 26 23:01:38 2026'.", .session(.terminated)),
        ("Info: Aborting the procedure due to signal '15'.", nil),
        ("Error: Aborting session with 'Unable to open display 'nx/nx,options=/run/qvd/nxagent.conf:100''.", nil),
        ("Session: Aborting session at 'Thu Nov 26 23:01:25 2026'.", .session(.aborting)),
        ("Session: Session aborted at 'Thu Nov 26 23:01:25 2026'.", .session(.aborted)),
        ("Session: Display failure detected at 'Thu Nov 26 23:03:00 2026'.", .displayFailure),
        ("FreeFontPath: FPE \"/usr/share/nx/fonts/misc/\" refcount is 2, should be 1; fixing.", nil),
        ("NXAGENT - Version 3.5.99.26", nil),
        ("", nil),
    ]

    @Test("every observed nxagent line gives its event", arguments: 0..<observedLines.count)
    func observedLine(index: Int) {
        let (line, expected) = Self.observedLines[index]
        #expect(parser.parse(line) == expected)
    }

    @Test("trailing CR/LF and leading blanks are ignored")
    func lineEnds() {
        #expect(parser.parse("Session: Session started at 'x'.\r\n") == .session(.started))
        #expect(parser.parse("Info: Agent running with pid '7'.\n") == .agentPID(7))
        #expect(parser.parse("  Session: Suspending session at 'x'.") == .session(.suspending))
    }

    @Test("the slave and multimedia ports may come without tcp:host:, as upstream's regex allows")
    func barePorts() {
        #expect(parser.parse("Info: Listening to slave connections on port '11100'.") == .listeningToSlaveConnections(port: 11100))
        #expect(parser.parse("Info: Listening to multimedia connections on port 'tcp:127.0.0.1:7100'.") == .listeningToMultimediaConnections(port: 7100))
    }

    @Test("session words are case-insensitive like upstream's lc, tenses must match their form")
    func words() {
        #expect(parser.parse("Session: STARTING session at 'x'.") == .session(.starting))
        #expect(parser.parse("Session: Session SUSPENDED at 'x'.") == .session(.suspended))
        // A past-tense word in the present form and vice versa are not nxagent lines.
        #expect(parser.parse("Session: Started session at 'x'.") == nil)
        #expect(parser.parse("Session: Session starting at 'x'.") == nil)
        // Unknown words: upstream would write them as the state; we ignore them.
        #expect(parser.parse("Session: Reconnecting session at 'x'.") == nil)
        #expect(parser.parse("Session: Session exploded at 'x'.") == nil)
    }

    @Test("junk, partial and spoofed lines give nothing", arguments: [
        "Session:",
        "Session: Starting session",
        "Session: Starting session now",
        "Session: Session started",
        "Info: Agent running with pid ''.",
        "Info: Agent running with pid '0'.",
        "Info: Agent running with pid '-5'.",
        "Info: Agent running with pid '12a'.",
        "Info: Agent running with pid '99999999999'.",
        "Info: Agent running with pid '42",
        "Info: Listening to slave connections on port 'tcp:localhost:0'.",
        "Info: Listening to slave connections on port 'tcp:localhost:70000'.",
        "Info: Listening to slave connections on port 'tcp:local host:11100'.",
        "Info: Listening to slave connections on port 'udp:localhost:11100'.",
        "Info: Listening to slave connections on port ''.",
        "Info: Waiting for connection from any host on socket 'tcp:*:'.",
        "Info: Waiting for connection from any host",
        "xterm: Session: Session terminated at 'x'.",
        "echo Info: Agent running with pid '1'.",
        "session: session started at 'x'.",
        "\u{1B}[31mSession: Session started at 'x'.",
        String(repeating: "A", count: 100_000),
    ])
    func junk(line: String) {
        #expect(parser.parse(line) == nil)
    }

    @Test("every session event round-trips through its line")
    func allSessionEvents() {
        for event in NXAgentSessionEvent.allCases {
            let word = event.rawValue.prefix(1).uppercased() + event.rawValue.dropFirst()
            let line = [NXAgentSessionEvent.started, .resumed, .suspended, .terminated, .aborted].contains(event)
                ? "Session: Session \(event.rawValue) at 'Thu Nov 26 23:01:32 2026'."
                : "Session: \(word) session at 'Thu Nov 26 23:01:32 2026'."
            #expect(parser.parse(line) == .session(event), "\(line)")
        }
    }
}
