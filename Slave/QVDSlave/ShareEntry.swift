/// One directory under the shares path, as `GET /shares` lists it (our extension).
public struct ShareEntry: Sendable, Hashable, Codable {
    public var name: String
    public var state: ShareMountState

    public init(name: String, state: ShareMountState) {
        self.name = name
        self.state = state
    }
}
