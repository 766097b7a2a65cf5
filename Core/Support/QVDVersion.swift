/// The toolkit's version, reported by every program's `--version` and used by packaging.
public enum QVDVersion {
    public static let string = "0.1.0"
}
