/// An ordered list of header fields, looked up case-insensitively, written with the exact
/// spelling it was given.
///
/// Order and spelling matter on the wire: upstream's responses carry exactly
/// `Content-Type` then `Content-Length` (`upstream-vma-observed.md` §3), and upstream's
/// server matches names case-sensitively (`upstream-vma.md` §1.2). So the list keeps every
/// field as received or added, duplicates included. The subscript and `values(named:)`
/// ignore ASCII case (what HTTP says); `exactValue(named:)` reproduces upstream's
/// case-sensitive lookup for code that must answer exactly like upstream (a lower-case
/// `connection:` gets `426` from the real VMA, `upstream-vma-observed.md` §3).
public struct HTTPHeaders: Sendable, Hashable, RandomAccessCollection,
    ExpressibleByDictionaryLiteral, CustomStringConvertible
{
    /// One header field: its name as spelled, and its value (trimmed of surrounding blanks
    /// when parsed).
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The fields, in order.
    public private(set) var fields: [Field]

    public init() {
        self.fields = []
    }

    public init(_ fields: [(name: String, value: String)]) {
        self.fields = fields.map { Field(name: $0.name, value: $0.value) }
    }

    /// Fields in the order written, e.g. `["Content-Type": "text/plain"]`.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    // MARK: Collection

    public var startIndex: Int { fields.startIndex }
    public var endIndex: Int { fields.endIndex }
    public subscript(position: Int) -> Field { fields[position] }

    // MARK: Lookup

    /// The value of the first field called `name`, ignoring ASCII case.
    public subscript(name: String) -> String? {
        fields.first { Self.namesEqual($0.name, name) }?.value
    }

    /// The values of every field called `name` (ignoring ASCII case), in order.
    public func values(named name: String) -> [String] {
        fields.filter { Self.namesEqual($0.name, name) }.map(\.value)
    }

    /// Whether some field is called `name`, ignoring ASCII case.
    public func contains(name: String) -> Bool {
        fields.contains { Self.namesEqual($0.name, name) }
    }

    /// The value of the first field whose name is exactly `name`, case included: upstream's
    /// `header_lookup` (`QVD::HTTP::Headers`, `upstream-vma.md` §1.2).
    public func exactValue(named name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// Whether any field called `name` holds `token` in its comma-separated list, both
    /// compared ignoring ASCII case (`Connection: keep-alive, Upgrade` holds `upgrade`).
    public func containsToken(_ token: String, inFieldNamed name: String) -> Bool {
        values(named: name).contains { value in
            value.split(separator: ",").contains {
                Self.namesEqual(String($0).httpTrimmingBlanks(), token)
            }
        }
    }

    // MARK: Mutation

    /// Appends a field, keeping any existing one of the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces the value of the first field called `name` (any case; its spelling becomes
    /// `name`) and removes later ones, or appends the field when there is none.
    public mutating func replaceOrAdd(name: String, value: String) {
        guard let first = fields.firstIndex(where: { Self.namesEqual($0.name, name) }) else {
            add(name: name, value: value)
            return
        }
        fields[first] = Field(name: name, value: value)
        var index = fields.index(after: first)
        while index < fields.endIndex {
            if Self.namesEqual(fields[index].name, name) {
                fields.remove(at: index)
            } else {
                index += 1
            }
        }
    }

    /// Removes every field called `name`, ignoring ASCII case.
    public mutating func remove(name: String) {
        fields.removeAll { Self.namesEqual($0.name, name) }
    }

    /// Appends `more` to the value of the last field (a header continuation line).
    mutating func appendToLastValue(_ more: String) {
        guard let last = fields.indices.last else { return }
        fields[last].value += more
    }

    public var description: String {
        fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }

    /// ASCII case-insensitive comparison, the only case folding HTTP defines for names.
    static func namesEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = lhs.utf8
        let b = rhs.utf8
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { asciiLowercased($0) == asciiLowercased($1) }
    }

    static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func httpTrimmingBlanks() -> String {
        let bytes = Array(utf8)
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
