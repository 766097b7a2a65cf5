/// Finds the known key closest to a misspelt one, by edit distance (adjacent
/// transpositions count as one edit), for unknown-key warnings.
struct ConfigKeySuggester: Sendable {
    private let candidates: [String]
    private let families: [ConfigKeyFamily]

    init(keys: [String], families: [ConfigKeyFamily]) {
        self.candidates = keys
        self.families = families
    }

    /// The nearest key, or `nil` when nothing is within a few edits (at most 3, and at
    /// most a quarter of the key's length, so short keys only match near misses).
    func suggestion(for key: String) -> String? {
        let limit = max(1, min(3, key.count / 4))
        var best: (candidate: String, distance: Int)?
        for candidate in candidates + familyCandidates(for: key) where candidate != key {
            let distance = Self.distance(key.lowercased(), candidate.lowercased(), limit: limit)
            guard distance <= limit else { continue }
            if best.map({ distance < $0.distance }) ?? true {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// For each open family, the family's prefix followed by the rest of `key` after as
    /// many dot-separated parts as the prefix has: `vma.on_acton.connect` gives
    /// `vma.on_action.connect`.
    private func familyCandidates(for key: String) -> [String] {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        return families.compactMap { family in
            let prefixParts = family.prefix.split(separator: ".").count
            guard parts.count > prefixParts else { return nil }
            let rest = parts[prefixParts...].joined(separator: ".")
            return rest.isEmpty ? nil : family.prefix + rest
        }
    }

    /// Optimal-string-alignment distance, stopping early once every path exceeds `limit`.
    static func distance(_ a: String, _ b: String, limit: Int) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit + 1 }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}
