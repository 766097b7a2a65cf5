import QVDCore

/// Where and how `VMARPCServer` listens, and its limits against abuse.
///
/// Upstream (`upstream-vma.md` §1.1) listens on `internal.vm.port.vma` (3030) on every
/// interface and has no limits at all: a fork per connection, no timeouts. The two
/// addresses come from the configuration keys `vma.address` (ours; empty = every address)
/// and `internal.vm.port.vma`; the limits are ours.
public struct VMARPCServerConfiguration: Sendable, Hashable {
    /// The port upstream listens on (`internal.vm.port.vma`, Defaults.pm 921).
    public static let defaultPort = 3030

    /// The address to listen on: an IP address or a host name. Empty means every address:
    /// one IPv6 wildcard socket that also accepts IPv4, as upstream's Net::Server binds
    /// (`upstream-vma-observed.md` §4.9), or `0.0.0.0` where IPv6 is unavailable.
    public var address: String
    /// The TCP port; 0 picks a free one (tests read it from `VMARPCServer.boundPort`).
    public var port: Int
    /// How long a connection may wait for its next request before it is closed, counted
    /// from the moment it became ready for one (accepted, or its last reply written) while
    /// no byte of a request has arrived.
    public var idleTimeout: Duration
    /// How long a request head may take to arrive once its first byte did. A client that
    /// trickles a head byte by byte (slowloris) holds its connection no longer than this.
    public var requestHeadTimeout: Duration
    /// How long the server keeps reading (and dropping) after it answered an error that
    /// closes the connection (`400`, `505`, …) and shut its side: a client still sending
    /// gets the answer instead of a reset that could destroy it.
    public var closeLingerTimeout: Duration
    /// Most connections open at once; further ones are closed at once, with a log line.
    public var maxConnections: Int
    /// Pending connections the kernel queues before `accept` (`listen` backlog).
    public var backlog: Int
    /// How long `shutdown()` waits by default for replies in progress before it closes
    /// every connection.
    public var shutdownGracePeriod: Duration
    /// Limits of Core's request head parser (head size, header lines, request line).
    public var headLimits: HTTPHeadParserConfiguration

    public init(
        address: String = "",
        port: Int = VMARPCServerConfiguration.defaultPort,
        idleTimeout: Duration = .seconds(60),
        requestHeadTimeout: Duration = .seconds(10),
        closeLingerTimeout: Duration = .seconds(2),
        maxConnections: Int = 256,
        backlog: Int = 256,
        shutdownGracePeriod: Duration = .seconds(5),
        headLimits: HTTPHeadParserConfiguration = .requests
    ) {
        self.address = address
        self.port = port
        self.idleTimeout = idleTimeout
        self.requestHeadTimeout = requestHeadTimeout
        self.closeLingerTimeout = closeLingerTimeout
        self.maxConnections = maxConnections
        self.backlog = backlog
        self.shutdownGracePeriod = shutdownGracePeriod
        self.headLimits = headLimits
    }

    /// Address and port from the agent's configuration: `vma.address` and
    /// `internal.vm.port.vma` (`VMAConfigDefaults`); the limits keep their defaults.
    public init(configuration: Configuration) throws(ConfigError) {
        self.init(
            address: try configuration.string("vma.address"),
            port: try configuration.int("internal.vm.port.vma", in: 1...65_535)
        )
    }

    /// Whether `address` asks for every address (empty, or blanks only).
    public var listensOnAllAddresses: Bool {
        address.allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// The hosts to try binding, in order: the given address alone (an IPv6 literal may
    /// be written in brackets, `[::1]`), or for "every address" the IPv6 wildcard `::`
    /// (which accepts IPv4 too), then `0.0.0.0` for a machine without IPv6.
    public var bindHosts: [String] {
        if listensOnAllAddresses { return ["::", "0.0.0.0"] }
        var host = address.trimmingBlanks()
        if host.hasPrefix("["), host.hasSuffix("]"), host.count > 2 {
            host = String(host.dropFirst().dropLast())
        }
        return [host]
    }

    /// Checks the values, before anything is bound.
    public func validate() throws(VMARPCServerError) {
        guard (0...65_535).contains(port) else {
            throw VMARPCServerError(.invalidConfiguration("port \(port) is not between 0 and 65535"))
        }
        guard maxConnections >= 1 else {
            throw VMARPCServerError(.invalidConfiguration("maxConnections is \(maxConnections); it must be at least 1"))
        }
        guard backlog >= 1 else {
            throw VMARPCServerError(.invalidConfiguration("backlog is \(backlog); it must be at least 1"))
        }
        for (name, value) in [
            ("idleTimeout", idleTimeout), ("requestHeadTimeout", requestHeadTimeout),
            ("closeLingerTimeout", closeLingerTimeout), ("shutdownGracePeriod", shutdownGracePeriod),
        ] where value <= .zero {
            throw VMARPCServerError(.invalidConfiguration("\(name) is \(value); it must be positive"))
        }
    }
}

extension String {
    fileprivate func trimmingBlanks() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
