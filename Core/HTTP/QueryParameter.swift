/// One `name=value` pair of a query string, decoded.
///
/// `value` is `nil` for a key written without `=` (`?flag`): upstream's `uri_query_split`
/// gives such a key an undefined value (`upstream-vma.md` §1.3), which reaches hooks as an
/// empty string (`upstream-vma-observed.md` §3). `?flag=` gives `""`.
public struct QueryParameter: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String?) {
        self.name = name
        self.value = value
    }

    public var description: String {
        value.map { "\(name)=\($0)" } ?? name
    }
}

extension Array where Element == QueryParameter {
    /// The last parameter called `name` (exact match): for a duplicated key the last value
    /// wins, as in upstream, which turns the list into a Perl hash (`upstream-vma.md` §1.3).
    public func last(named name: String) -> QueryParameter? {
        last { $0.name == name }
    }
}
