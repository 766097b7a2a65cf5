/// One virtual machine the stub serves: who owns it, where its VMA and its nxagent listen,
/// and the properties passed to `x_start` (upstream's `vm_runtimes` row plus
/// `combined_properties`, `upstream-l7r-protocol.md` §10).
public struct L7RVirtualMachine: Sendable, Hashable {
    public var id: Int
    public var name: String
    /// The owner's login (lower-case).
    public var owner: String
    /// The state `list_of_vm` reports at start: `running` or `stopped`.
    public var initialState: String
    public var vmaHost: String
    public var vmaPort: Int
    public var nxHost: String
    public var nxPort: Int
    /// A blocked VM answers connect with 403 (§5.4 row 8).
    public var blocked: Bool
    /// Whether the VM's OSF is an application (`is_application` in `list_of_vm`).
    public var isApplication: Bool
    /// Properties sent to `x_start`, in file order.
    public var properties: [(key: String, value: String)]

    public init(id: Int, name: String, owner: String, initialState: String = "running",
                vmaHost: String, vmaPort: Int = 3030, nxHost: String, nxPort: Int = 4100,
                blocked: Bool = false, isApplication: Bool = false,
                properties: [(key: String, value: String)] = []) {
        self.id = id
        self.name = name
        self.owner = owner
        self.initialState = initialState
        self.vmaHost = vmaHost
        self.vmaPort = vmaPort
        self.nxHost = nxHost
        self.nxPort = nxPort
        self.blocked = blocked
        self.isApplication = isApplication
        self.properties = properties
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.id == rhs.id && lhs.name == rhs.name && lhs.owner == rhs.owner
            && lhs.initialState == rhs.initialState && lhs.vmaHost == rhs.vmaHost
            && lhs.vmaPort == rhs.vmaPort && lhs.nxHost == rhs.nxHost && lhs.nxPort == rhs.nxPort
            && lhs.blocked == rhs.blocked && lhs.isApplication == rhs.isApplication
            && lhs.properties.map(\.key) == rhs.properties.map(\.key)
            && lhs.properties.map(\.value) == rhs.properties.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
    }
}
