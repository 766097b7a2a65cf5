/// The L7R's connect timings (`upstream-vma.md` §1.8 "L7R" bullets;
/// `upstream-l7r-protocol.md` §10 steps 6 and 8), upstream's values by default. Tests shrink them.
public struct L7RTiming: Sendable, Hashable {
    /// One VMA RPC call's limit (`internal.l7r.timeout.vma`, 4 s).
    public var vmaCallTimeout: Duration
    /// Extra `x_start` attempts after a failed call (`internal.l7r.retry.x_start`, 20).
    public var xStartRetries: Int
    /// Pause between `x_start` attempts and between `x_state` polls (`internal.l7r.poll_time.x`, 1 s).
    public var xPollInterval: Duration
    /// How long `x_state` may stay `starting` or unanswered (`internal.l7r.timeout.x_start`, 10 s).
    public var xStartTimeout: Duration
    /// Pause between the 102s while a stopped VM "starts" or "stops" (`internal.l7r.poll_time.vm`, 2 s).
    public var vmPollInterval: Duration

    public init(vmaCallTimeout: Duration = .seconds(4), xStartRetries: Int = 20,
                xPollInterval: Duration = .seconds(1), xStartTimeout: Duration = .seconds(10),
                vmPollInterval: Duration = .seconds(2)) {
        self.vmaCallTimeout = vmaCallTimeout
        self.xStartRetries = xStartRetries
        self.xPollInterval = xPollInterval
        self.xStartTimeout = xStartTimeout
        self.vmPollInterval = vmPollInterval
    }
}
