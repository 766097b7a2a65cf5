/// What `X11DisplayProbe` learnt from the user's X display: the default screen's size
/// and the keyboard's XKB rules names (nil when the server publishes none).
public struct X11DisplayInfo: Sendable, Hashable {
    /// The display name it came from, e.g. `:0`.
    public var display: String
    public var screenWidth: Int
    public var screenHeight: Int
    public var rulesNames: XKBRulesNames?

    public init(display: String, screenWidth: Int, screenHeight: Int, rulesNames: XKBRulesNames?) {
        self.display = display
        self.screenWidth = screenWidth
        self.screenHeight = screenHeight
        self.rulesNames = rulesNames
    }

    /// `WIDTHxHEIGHT`, the form of `qvd.client.geometry`.
    public var geometry: String { "\(screenWidth)x\(screenHeight)" }

    /// `model/layout` for `qvd.client.keyboard`, or nil without XKB rules names.
    public var keyboard: String? { rulesNames?.keyboard }
}
