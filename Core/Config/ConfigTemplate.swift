/// A raw value split into literal text and `${key}` references, the interpolation syntax
/// of upstream's `core_cfg` (`s/\$\{(.*?)\}/core_cfg($1)/ge`, ext/QVD-Config-Core): the
/// name runs to the first `}`; a `$` not followed by `{` is literal.
/// Unlike upstream, an unclosed `${` or an empty `${}` is an error rather than text.
struct ConfigTemplate: Sendable, Hashable {
    enum Segment: Sendable, Hashable {
        case literal(String)
        case reference(String)
    }

    enum Problem: Error, Sendable, Hashable {
        case unclosed
        case emptyName

        var text: String {
            switch self {
            case .unclosed: return "has a '${' without a closing '}'"
            case .emptyName: return "has an empty reference '${}'"
            }
        }
    }

    let segments: [Segment]

    /// True when the value has no reference at all (the common case, kept cheap).
    static func isPlain(_ value: String) -> Bool {
        !value.contains("${")
    }

    static func parse(_ value: String) -> Result<ConfigTemplate, Problem> {
        var segments: [Segment] = []
        var rest = Substring(value)
        while let open = openingIndex(in: rest) {
            if open > rest.startIndex {
                segments.append(.literal(String(rest[..<open])))
            }
            let afterOpen = rest[rest.index(open, offsetBy: 2)...]
            guard let close = afterOpen.firstIndex(of: "}") else { return .failure(.unclosed) }
            let name = afterOpen[..<close]
            if name.isEmpty { return .failure(.emptyName) }
            segments.append(.reference(String(name)))
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        if !rest.isEmpty { segments.append(.literal(String(rest))) }
        return .success(ConfigTemplate(segments: segments))
    }

    /// The index of the next `$` that is followed by `{`.
    private static func openingIndex(in text: Substring) -> Substring.Index? {
        var index = text.startIndex
        while let dollar = text[index...].firstIndex(of: "$") {
            let next = text.index(after: dollar)
            if next < text.endIndex, text[next] == "{" { return dollar }
            index = next
        }
        return nil
    }
}
