/// One `name=value` pair of a request's query or of the `x_start` call.
public struct L7RParameter: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
