import Logging

/// Hides secrets before they reach a log: known secret *values* (passwords, bearer tokens,
/// the slave key) and the values of secret *keys* (`qvd.slave.key`, `auth_token`,
/// `password`, anything ending in `.password`) become `***`.
///
/// Used by `QVDLogHandler` on every message and metadata value, and directly by code that
/// logs hook argv (`key value key value …`, `upstream-vma.md §4.2`) or RPC query parameters
/// (`upstream-vma.md §1.3`).
///
/// Key names are compared after normalising: lower-cased, leading `-` removed and `.` read
/// as `_`, so `qvd.slave.key`, `QVD_SLAVE_KEY` (a hook's environment) and `--password`
/// all match. In free text, `key=value` is recognised where `key` is a run of letters,
/// digits, `.`, `_` and `-`; the value runs to the next space or `&` (or is a
/// double-quoted string).
public struct LogRedactor: Sendable {
    /// What a secret is replaced with.
    public static let mask = "***"

    /// Key names whose values are always secret.
    public static let defaultSecretKeyNames: [String] = ["qvd.slave.key", "auth_token", "password"]

    /// Key-name endings whose values are always secret.
    public static let defaultSecretKeySuffixes: [String] = [".password"]

    /// The redactor with the default key rules and no known secret values.
    public static let standard = LogRedactor()

    /// Literal secret values, longest first (so a secret containing another is masked whole).
    public private(set) var secrets: [String]
    private var normalizedNames: Set<String>
    private var normalizedSuffixes: [String]

    public init(
        secrets: [String] = [],
        secretKeyNames: [String] = LogRedactor.defaultSecretKeyNames,
        secretKeySuffixes: [String] = LogRedactor.defaultSecretKeySuffixes
    ) {
        self.secrets = []
        self.normalizedNames = Set(secretKeyNames.map(Self.normalizeKey))
        self.normalizedSuffixes = secretKeySuffixes.map(Self.normalizeKey)
        for secret in secrets { addSecret(secret) }
    }

    /// Adds a value to hide wherever it appears (empty strings are ignored).
    public mutating func addSecret(_ secret: String) {
        guard !secret.isEmpty, !secrets.contains(secret) else { return }
        secrets.append(secret)
        secrets.sort { $0.utf8.count > $1.utf8.count }
    }

    /// A copy that also hides `secrets`.
    public func adding(secrets more: [String]) -> LogRedactor {
        var copy = self
        for secret in more { copy.addSecret(secret) }
        return copy
    }

    /// Whether values under `key` are secret.
    public func isSecretKey(_ key: String) -> Bool {
        let normalized = Self.normalizeKey(key)
        if normalized.isEmpty { return false }
        if normalizedNames.contains(normalized) { return true }
        return normalizedSuffixes.contains { normalized.hasSuffix($0) }
    }

    /// Masks known secrets and the values of `secretkey=value` pairs in free text.
    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets {
            result = result.replacingAllOccurrences(of: secret, with: Self.mask)
        }
        return maskKeyValuePairs(in: result)
    }

    /// Masks secret keys' values and secrets inside every value, recursively.
    public func redact(_ metadata: Logger.Metadata) -> Logger.Metadata {
        var result = Logger.Metadata()
        for (key, value) in metadata {
            result[key] = isSecretKey(key) ? .string(Self.mask) : redact(value)
        }
        return result
    }

    /// Masks one metadata value (not knowing its key).
    public func redact(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string(let text): return .string(redact(text))
        case .stringConvertible(let convertible): return .string(redact(convertible.description))
        case .array(let values): return .array(values.map { redact($0) })
        case .dictionary(let dictionary): return .dictionary(redact(dictionary))
        }
    }

    /// Masks a flat `key value key value …` argv (hook convention): the item after a secret
    /// key is masked, and every item is also redacted as text.
    public func redact(argv: [String]) -> [String] {
        var result = argv.map { redact($0) }
        var index = 0
        while index < argv.count {
            if isSecretKey(argv[index]), index + 1 < argv.count {
                result[index + 1] = Self.mask
                index += 2
            } else {
                index += 1
            }
        }
        return result
    }

    /// Masks query parameters (`nil` value = key without `=`) by key and by content.
    public func redact(parameters: [(key: String, value: String?)]) -> [(key: String, value: String?)] {
        parameters.map { parameter in
            guard let value = parameter.value else { return parameter }
            return (parameter.key, isSecretKey(parameter.key) ? Self.mask : redact(value))
        }
    }

    /// Masks an environment: values of secret names (`QVD_SLAVE_KEY`), secrets anywhere.
    public func redact(environment: [String: String]) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in environment {
            result[name] = isSecretKey(name) ? Self.mask : redact(value)
        }
        return result
    }

    private func maskKeyValuePairs(in text: String) -> String {
        guard text.contains("=") else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var keyStart = 0
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "=" && keyStart < index && isSecretKey(String(String.UnicodeScalarView(scalars[keyStart..<index]))) {
                out.append(scalar)
                out.append(contentsOf: Self.mask.unicodeScalars)
                index = Self.endOfValue(in: scalars, from: index + 1)
                keyStart = index
                continue
            }
            out.append(scalar)
            index += 1
            if !Self.isKeyScalar(scalar) { keyStart = index }
        }
        return String(out)
    }

    /// Index just past the value starting at `start`: a quoted string, or up to a space or `&`.
    private static func endOfValue(in scalars: [Unicode.Scalar], from start: Int) -> Int {
        var index = start
        if index < scalars.count && scalars[index] == "\"" {
            index += 1
            while index < scalars.count && scalars[index] != "\"" {
                index += scalars[index] == "\\" ? 2 : 1
            }
            return min(index + 1, scalars.count)
        }
        while index < scalars.count && scalars[index] != " " && scalars[index] != "&" && scalars[index] != "\t" && scalars[index] != "\n" {
            index += 1
        }
        return index
    }

    private static func isKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": return true
        default: return false
        }
    }

    private static func normalizeKey(_ key: String) -> String {
        let scalars = key.unicodeScalars.drop { $0 == "-" }
        return String(String.UnicodeScalarView(scalars.map { $0 == "." ? "_" : $0 })).lowercased()
    }
}

fileprivate extension String {
    /// Replaces every non-overlapping occurrence of `target` (compared by Unicode scalars,
    /// no Foundation needed).
    func replacingAllOccurrences(of target: String, with replacement: String) -> String {
        let haystack = Array(unicodeScalars)
        let needle = Array(target.unicodeScalars)
        guard !needle.isEmpty, haystack.count >= needle.count else { return self }
        var out = String.UnicodeScalarView()
        var index = 0
        while index < haystack.count {
            if index + needle.count <= haystack.count && haystack[index] == needle[0]
                && haystack[index..<(index + needle.count)].elementsEqual(needle) {
                out.append(contentsOf: replacement.unicodeScalars)
                index += needle.count
            } else {
                out.append(haystack[index])
                index += 1
            }
        }
        return String(out)
    }
}
