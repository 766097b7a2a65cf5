/// A line the shell should write to the VMA's log. The state machine has no logger; it says
/// what happened and the shell decides where it goes.
public struct SessionLogMessage: Equatable, Hashable, Sendable, CustomStringConvertible {
    public enum Level: String, Hashable, Sendable {
        case debug, info, warning, error
    }

    public var level: Level
    public var text: String

    public init(_ level: Level, _ text: String) {
        self.level = level
        self.text = text
    }

    public var description: String { "\(level.rawValue): \(text)" }
}
