/// Something in a configuration source that is accepted but probably not what the
/// author meant: an unknown key (upstream's `Config::Properties` silently keeps any key,
/// so a typo simply has no effect), a key set twice in one file, or a file that is not
/// UTF-8.
public struct ConfigWarning: Sendable, Hashable, CustomStringConvertible {
    /// What the warning is about.
    public enum Kind: Sendable, Hashable {
        /// A key no defaults table knows and no open family covers. `suggestion` is the
        /// closest known key, when one is near.
        case unknownKey(key: String, suggestion: String?)
        /// `key` was already set on `previousLine` of the same file; this line wins.
        case duplicateKey(key: String, previousLine: Int)
        /// The file is not valid UTF-8 and was read as ISO-8859-1, as upstream does.
        case notUTF8
    }

    public var kind: Kind
    /// Where the offending setting is.
    public var source: ConfigSource

    public init(_ kind: Kind, source: ConfigSource) {
        self.kind = kind
        self.source = source
    }

    public var description: String {
        switch kind {
        case let .unknownKey(key, suggestion):
            if let suggestion {
                return "\(source): unknown key '\(key)' is ignored; did you mean '\(suggestion)'?"
            }
            return "\(source): unknown key '\(key)' is ignored"
        case let .duplicateKey(key, previousLine):
            return "\(source): '\(key)' is set again; this value replaces the one on line \(previousLine)"
        case .notUTF8:
            return "\(source): not valid UTF-8; read as ISO-8859-1"
        }
    }
}
