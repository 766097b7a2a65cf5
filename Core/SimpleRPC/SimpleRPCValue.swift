/// A JSON value as JSON-simplerpc carries it (`upstream-vma.md §1.4`): what a VMA method
/// returns and what a client decodes. Objects keep their keys in order (Perl hashes have
/// none, so any order is upstream-compatible; keeping ours makes output reproducible).
public enum SimpleRPCValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int)
    case double(Double)
    case string(String)
    case array([SimpleRPCValue])
    /// Members in order. Keys should be unique; if not, lookups take the last one, as Perl does.
    case object([Member])

    /// One `"key" : value` member of an object.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: SimpleRPCValue

        public init(_ key: String, _ value: SimpleRPCValue) {
            self.key = key
            self.value = value
        }
    }

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The integer, if this is an integer.
    public var integerValue: Int? {
        if case .integer(let number) = self { return number }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [SimpleRPCValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// True for `null`.
    public var isNull: Bool { self == .null }

    /// The value under `key` in an object (the last one if the key repeats); nil otherwise.
    public subscript(key: String) -> SimpleRPCValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }
}

extension SimpleRPCValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}

extension SimpleRPCValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension SimpleRPCValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .integer(value) }
}

extension SimpleRPCValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension SimpleRPCValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension SimpleRPCValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: SimpleRPCValue...) { self = .array(elements) }
}

extension SimpleRPCValue: ExpressibleByDictionaryLiteral {
    /// Keeps the literal's order: `["b": 1, "a": 2]` encodes `b` first.
    public init(dictionaryLiteral elements: (String, SimpleRPCValue)...) {
        self = .object(elements.map { Member($0.0, $0.1) })
    }
}
