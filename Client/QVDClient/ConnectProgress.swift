/// How the `102 Processing` texts of one request (`upstream-l7r-protocol.md` §5.2) are
/// shown, as a plain value: events in (a text arrived, a timer tick, the answer came),
/// the text to write out. `ConnectProgressDisplay` does the writing and the ticking.
///
/// On a terminal (`.live`) one line is redrawn in place — carriage return, a spinner,
/// the latest text and the seconds since the request, then "erase to end of line" — and
/// erased when the answer comes. Otherwise (`.lines`) each text becomes its own line,
/// `qvdclient: <text> (3.2 s)`, so logs and pipes read well.
public struct ConnectProgress: Sendable, Hashable {
    public enum Style: Sendable, Hashable {
        /// Redraw in place; frames are kept below `width` columns so they never wrap.
        case live(width: Int)
        /// One line per text.
        case lines
    }

    /// What to write for an event.
    public enum Output: Sendable, Hashable {
        /// Nothing.
        case none
        /// A whole line for stderr (the console adds the newline).
        case line(String)
        /// Raw terminal text, written as is (no newline).
        case draw(String)
    }

    /// The spinner's frames, one per `frameInterval`.
    public static let spinner: [Character] = ["|", "/", "-", "\\"]
    public static let frameInterval: Duration = .milliseconds(100)
    /// Carriage return, then ANSI "erase in line" (to the end).
    static let eraseLine = "\r\u{1B}[K"

    public let style: Style
    /// The latest text, shown until the next one.
    public private(set) var text: String?
    public private(set) var finished = false
    private var drawn = false

    public init(style: Style) {
        self.style = style
    }

    /// A `102` with `text` arrived `elapsed` after the request went out.
    public mutating func received(_ text: String, elapsed: Duration) -> Output {
        guard !finished else { return .none }
        self.text = text
        switch style {
        case .lines:
            return .line(Self.line(text: text, elapsed: elapsed))
        case .live(let width):
            drawn = true
            return .draw(Self.frame(text: text, elapsed: elapsed, width: width))
        }
    }

    /// The timer fired: on a terminal, redraw with the new time and spinner frame.
    public mutating func tick(elapsed: Duration) -> Output {
        guard !finished, case .live(let width) = style, let text else { return .none }
        drawn = true
        return .draw(Self.frame(text: text, elapsed: elapsed, width: width))
    }

    /// The answer came (or the request failed): erase the live line, if one was drawn.
    public mutating func finish() -> Output {
        guard !finished else { return .none }
        finished = true
        return drawn ? .draw(Self.eraseLine) : .none
    }

    /// `qvdclient: Starting virtual machine (3.2 s)`.
    public static func line(text: String, elapsed: Duration) -> String {
        "qvdclient: \(text) (\(seconds(elapsed)))"
    }

    /// `\r/ Starting virtual machine (3.2 s)\e[K`, the text shortened with `...` so the
    /// visible part stays below `width` columns.
    public static func frame(text: String, elapsed: Duration, width: Int) -> String {
        let spin = spinner[frameIndex(elapsed)]
        let suffix = " (\(seconds(elapsed)))"
        let room = max(width - 1 - 2 - suffix.count, 4)
        let shown = text.count <= room ? text : String(text.prefix(room - 3)) + "..."
        return "\r\(spin) \(shown)\(suffix)\u{1B}[K"
    }

    /// Which spinner frame shows at `elapsed`.
    public static func frameIndex(_ elapsed: Duration) -> Int {
        tenths(elapsed) % spinner.count
    }

    /// `3.2 s`: whole tenths, rounded down.
    public static func seconds(_ elapsed: Duration) -> String {
        let value = tenths(elapsed)
        return "\(value / 10).\(value % 10) s"
    }

    private static func tenths(_ elapsed: Duration) -> Int {
        let ratio = elapsed / frameInterval
        return ratio.isFinite && ratio > 0 ? Int(ratio.rounded(.down)) : 0
    }
}
