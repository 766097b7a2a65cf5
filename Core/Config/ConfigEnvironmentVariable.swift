/// An environment variable that sets a configuration key (the environment layer sits
/// above the files and below the command line).
public struct ConfigEnvironmentVariable: Sendable, Hashable {
    /// The variable, e.g. `QVD_LOG_LEVEL`.
    public var name: String
    /// The key it sets, e.g. `log.level`.
    public var key: String
    /// One line for `--help-config`.
    public var summary: String

    public init(name: String, key: String, summary: String) {
        self.name = name
        self.key = key
        self.summary = summary
    }
}
