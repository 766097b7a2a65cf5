import Foundation
import QVDClient

/// Records what the client would print; answers questions from a script.
final class TestConsole: ClientConsole, @unchecked Sendable {
    private let lock = NSLock()
    private var statusLines: [String] = []
    private var outputs: [String] = []
    private var answers: [String]
    let isInteractive: Bool

    init(interactive: Bool = false, answers: [String] = []) {
        self.isInteractive = interactive
        self.answers = answers
    }

    func status(_ line: String) { lock.withLock { statusLines.append(line) } }
    func output(_ text: String) { lock.withLock { outputs.append(text) } }
    func ask(_ prompt: String) -> String? {
        lock.withLock { answers.isEmpty ? nil : answers.removeFirst() }
    }

    var statuses: [String] { lock.withLock { statusLines } }
    var output: String { lock.withLock { outputs.joined() } }
}
