/// The five XKB rules names an X server publishes in the `_XKB_RULES_NAMES` root-window
/// property: rules, model, layout, variant and options, each NUL-terminated (what
/// `setxkbmap -query` prints). Decoded apart from the X11 I/O so it is tested alone.
///
/// `keyboard` is what upstream's Perl client sends as `qvd.client.keyboard`
/// (`upstream-l7r-protocol.md` §5.1; `QVD::Client::Frame::DetectKeyboard`): `model/layout`,
/// taking the first of comma-separated layouts (`de,us` → `de`) and leaving the variant
/// out, since the VMA's nxagent `keyboard=` option carries model and layout only.
public struct XKBRulesNames: Sendable, Hashable {
    public var rules: String
    public var model: String
    public var layout: String
    public var variant: String
    public var options: String

    public init(rules: String = "", model: String, layout: String, variant: String = "", options: String = "") {
        self.rules = rules
        self.model = model
        self.layout = layout
        self.variant = variant
        self.options = options
    }

    /// Decodes the property's bytes: up to five NUL-separated strings, missing ones empty.
    /// Nil when there is no model nor layout to use.
    public init?(propertyBytes bytes: [UInt8]) {
        var fields = bytes.split(separator: 0, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        while fields.count < 5 { fields.append("") }
        self.init(rules: fields[0], model: fields[1], layout: fields[2], variant: fields[3], options: fields[4])
        if model.isEmpty && layout.isEmpty { return nil }
    }

    /// `model/layout` as upstream formats it, the first layout of a list; an empty model
    /// or layout falls back to `pc105` / `us` (`ClientSettings.defaultKeyboard`).
    public var keyboard: String {
        let firstLayout = layout.split(separator: ",", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let model = model.isEmpty ? "pc105" : model
        return model + "/" + (firstLayout.isEmpty ? "us" : firstLayout)
    }
}
