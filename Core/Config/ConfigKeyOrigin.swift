/// Whether a key is upstream QVD's or one this implementation adds
/// (`spec/README.md`, "Where this project deliberately differs from upstream").
public enum ConfigKeyOrigin: Sendable, Hashable {
    /// Same name and default as upstream's `Defaults.pm`.
    case upstream
    /// Added here; upstream has no such key.
    case added
}
