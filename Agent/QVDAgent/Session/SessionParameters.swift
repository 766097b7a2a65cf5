/// The x_start parameters, in a stable order, one value per key.
///
/// Upstream turns the query's key/value list into a Perl hash: for a duplicated key the last
/// value wins, a key without `=` has an empty value, and hooks get the pairs in random order
/// (`upstream-vma.md` §1.3; `upstream-vma-observed.md` §3, §4.5). We keep each key at the
/// position of its **first** occurrence with the value of its **last**, so hooks get the
/// request's parameters as received (`README.md`, "Compatibility hazards").
///
/// Defaults such as `qvd.vm.user.groups`/`qvd.vm.user.home` (`upstream-vma.md` §5.1) are filled
/// in by the caller before the parameters reach the state machine, because hooks must see them.
public struct SessionParameters: Equatable, Hashable, Sendable, ExpressibleByDictionaryLiteral {
    /// One key and its value.
    public struct Parameter: Equatable, Hashable, Sendable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The parameters, in order.
    public private(set) var parameters: [Parameter]

    /// From a decoded query's pairs, in request order; a `nil` value (key without `=`) becomes "".
    public init(_ pairs: [(key: String, value: String?)]) {
        parameters = []
        for pair in pairs { set(pair.key, to: pair.value ?? "") }
    }

    /// No parameters.
    public init() { parameters = [] }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.map { (key: $0.0, value: Optional($0.1)) })
    }

    /// The value of `key`, if present.
    public subscript(key: String) -> String? {
        parameters.first { $0.key == key }?.value
    }

    /// Sets `key`: a present key keeps its position, a new one goes to the end.
    public mutating func set(_ key: String, to value: String) {
        if let index = parameters.firstIndex(where: { $0.key == key }) {
            parameters[index].value = value
        } else {
            parameters.append(Parameter(key: key, value: value))
        }
    }

    /// Sets `key` only when it is missing (how `_fill_props` defaults work).
    public mutating func setDefault(_ key: String, to value: String) {
        if self[key] == nil { parameters.append(Parameter(key: key, value: value)) }
    }

    /// As a dictionary, for lookups.
    public var dictionary: [String: String] {
        Dictionary(parameters.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// The flat `key value key value …` list of hook argv (`upstream-vma.md` §4.2).
    public var flattened: [String] { parameters.flatMap { [$0.key, $0.value] } }

    public var isEmpty: Bool { parameters.isEmpty }
}
