/// Why `VMARPCServer` could not start.
public struct VMARPCServerError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// A value of `VMARPCServerConfiguration` cannot be used; the text says which.
        case invalidConfiguration(String)
        /// No listening socket could be opened on `address` port `port`; `reason` is the
        /// system's error for each address tried.
        case bindFailed(address: String, port: Int, reason: String)
        /// `start()` was called on a server that is running or was shut down.
        case alreadyStarted
    }

    public var kind: Kind

    public init(_ kind: Kind) {
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .invalidConfiguration(let what):
            return "invalid RPC server configuration: \(what)"
        case .bindFailed(let address, let port, let reason):
            let shown = address.isEmpty ? "every address" : "address '\(address)'"
            return "cannot listen for RPC requests on \(shown), port \(port): \(reason). "
                + "Check that no other qvd-vma (or other program) uses the port "
                + "(internal.vm.port.vma) and that vma.address is an address of this machine."
        case .alreadyStarted:
            return "the RPC server was already started; make a new VMARPCServer to listen again"
        }
    }
}
