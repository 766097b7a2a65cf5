/// A `connect_to_vm` that passed every check before the first 102
/// (`upstream-l7r-protocol.md` §5.4 rows 1–8 and the ownership check of §10 step 3).
public struct L7RConnectRequest: Sendable, Hashable {
    public var machine: L7RVirtualMachine
    /// The authenticated login (sent to the VMA as `qvd.vm.user.name`).
    public var login: String
    /// The client's `qvd.client.*` and `custom.*` parameters, in request order.
    public var clientParameters: [L7RParameter]

    public init(machine: L7RVirtualMachine, login: String, clientParameters: [L7RParameter]) {
        self.machine = machine
        self.login = login
        self.clientParameters = clientParameters
    }
}
