/// The step of the exchange with the L7R (`upstream-l7r-protocol.md` §0) during which
/// something failed; every error message names it.
public enum ClientPhase: String, Sendable, Hashable {
    case configuration = "reading the options"
    case connecting = "connecting to the server"
    case tlsHandshake = "checking the server's certificate"
    case listingVMs = "listing the VMs"
    case choosingVM = "choosing the VM"
    case stoppingVM = "stopping the VM"
    case connectingVM = "connecting to the VM"
    case session = "running the session"
}
