import Foundation
import Testing
@testable import QVDClient

/// `102 Processing` texts as progress (issue 4): the plain value for given times, then the
/// display on a recording console, plain and live.
@Suite struct ConnectProgressTests {
    @Test func plainLinesOffATerminal() {
        var progress = ConnectProgress(style: .lines)
        #expect(progress.received("Starting virtual machine", elapsed: .milliseconds(3_249)) == .line("qvdclient: Starting virtual machine (3.2 s)"))
        #expect(progress.tick(elapsed: .seconds(4)) == .none)
        #expect(progress.received("Connection established", elapsed: .seconds(12)) == .line("qvdclient: Connection established (12.0 s)"))
        #expect(progress.finish() == .none)
        #expect(progress.received("late", elapsed: .seconds(13)) == .none)
        #expect(ConnectProgress.line(text: "Session acquired for VM_ID: 2", elapsed: .zero) == "qvdclient: Session acquired for VM_ID: 2 (0.0 s)")
    }

    @Test func liveFramesForGivenTimes() {
        var progress = ConnectProgress(style: .live(width: 80))
        #expect(progress.tick(elapsed: .milliseconds(50)) == .none, "nothing to draw before the first text")
        #expect(progress.finish() == .none, "nothing drawn, nothing to erase")

        progress = ConnectProgress(style: .live(width: 80))
        #expect(progress.received("Starting virtual machine", elapsed: .milliseconds(40)) == .draw("\r| Starting virtual machine (0.0 s)\u{1B}[K"))
        #expect(progress.tick(elapsed: .milliseconds(140)) == .draw("\r/ Starting virtual machine (0.1 s)\u{1B}[K"))
        #expect(progress.tick(elapsed: .milliseconds(250)) == .draw("\r- Starting virtual machine (0.2 s)\u{1B}[K"))
        #expect(progress.tick(elapsed: .milliseconds(399)) == .draw("\r\\ Starting virtual machine (0.3 s)\u{1B}[K"))
        #expect(progress.received("Connection established", elapsed: .milliseconds(3_210)) == .draw("\r| Connection established (3.2 s)\u{1B}[K"))
        #expect(progress.finish() == .draw("\r\u{1B}[K"))
        #expect(progress.tick(elapsed: .seconds(4)) == .none)
        #expect(progress.finish() == .none)
    }

    @Test func liveFrameNeverWraps() {
        let text = String(repeating: "x", count: 100)
        let frame = ConnectProgress.frame(text: text, elapsed: .seconds(61), width: 40)
        #expect(frame == "\r- " + String(repeating: "x", count: 25) + "... (61.0 s)\u{1B}[K")
        let visible = frame.dropFirst().dropLast(3) // \r … ESC [ K
        #expect(visible.count == 39)
    }

    @Test func displayOnAPlainConsole() {
        let console = TestConsole()
        let display = ConnectProgressDisplay(console: console)
        display.show("Session acquired for VM_ID: 2")
        display.show("Connection established")
        display.finish()
        display.show("after the end")
        #expect(console.statuses.count == 2)
        #expect(console.statuses.allSatisfy { $0.wholeMatch(of: /qvdclient: .+ \(0\.\d s\)/) != nil })
        #expect(console.statuses.map { $0.replacing(/\(\d+\.\d s\)/, with: "(t)") }
                == ["qvdclient: Session acquired for VM_ID: 2 (t)", "qvdclient: Connection established (t)"])
    }

    @Test func displayOnATerminalSpinsAndClears() async throws {
        let console = LiveTestConsole()
        let display = ConnectProgressDisplay(console: console)
        display.show("Starting virtual machine")
        // The spinner redraws every 100 ms; a loaded machine may be late, so wait for the
        // frames rather than a fixed time.
        let deadline = ContinuousClock.now + .seconds(20)
        while console.frames.count < 3, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        display.finish()
        let frames = console.frames
        try await Task.sleep(for: .milliseconds(250))
        #expect(console.frames == frames, "no frame after finish")
        #expect(frames.count >= 3)
        #expect(frames.first?.hasPrefix("\r| Starting virtual machine (0.") == true)
        #expect(frames.dropLast().allSatisfy { $0.wholeMatch(of: /\r[|\/\-\\] Starting virtual machine \(\d+\.\d s\)\u{1B}\[K/) != nil })
        #expect(frames.last == "\r\u{1B}[K")
        #expect(console.statuses.isEmpty)
    }
}

/// A console that says it is a terminal and records raw frames.
final class LiveTestConsole: ClientConsole, @unchecked Sendable {
    private let lock = NSLock()
    private var written: [String] = []
    private var lines: [String] = []
    var isInteractive: Bool { true }
    var showsLiveProgress: Bool { true }
    func status(_ line: String) { lock.withLock { lines.append(line) } }
    func output(_ text: String) {}
    func ask(_ prompt: String) -> String? { nil }
    func progressFrame(_ text: String) { lock.withLock { written.append(text) } }
    var frames: [String] { lock.withLock { written } }
    var statuses: [String] { lock.withLock { lines } }
}
