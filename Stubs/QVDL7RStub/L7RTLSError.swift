/// Why the stub's TLS certificate and key cannot be used or created.
public struct L7RTLSError: Error, Sendable, CustomStringConvertible {
    /// The file or directory concerned.
    public var path: String
    /// What went wrong, for the person who must fix it.
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "TLS material \(path): \(problem)" }
}
