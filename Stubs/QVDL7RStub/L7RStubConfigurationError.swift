import QVDCore

/// Why the stub's configuration cannot be used: which key or file, and what is wrong.
public struct L7RStubConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable {
        /// The Core reader rejected a file or a value.
        case config(ConfigError)
        /// An account key (`user.*`, `vm.*`) is malformed.
        case invalidAccountKey(key: String, reason: String)
        /// A VM lacks a required field.
        case missingField(vm: Int, field: String)
        /// A setting's value cannot be used.
        case invalidValue(key: String, reason: String)
    }

    public var kind: Kind

    public init(_ kind: Kind) {
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .config(let error):
            return "configuration: \(error)"
        case .invalidAccountKey(let key, let reason):
            return "configuration key \(key): \(reason). See Stubs/examples/l7r-stub.conf for the syntax."
        case .missingField(let vm, let field):
            return "virtual machine \(vm) has no `vm.\(vm).\(field)`; add it to the accounts."
        case .invalidValue(let key, let reason):
            return "configuration key \(key): \(reason)."
        }
    }
}
