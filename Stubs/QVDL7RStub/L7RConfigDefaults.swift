import QVDCore

/// The keys `qvd-l7r-stub` reads, with upstream's names and defaults where upstream has the
/// key (`upstream-l7r-protocol.md` §1.1: `l7r.port = 8443`, `l7r.address = *`,
/// `l7r.use_ssl = 1`, the L7R's `internal.l7r.*` timings of §10), plus the keys the stub
/// adds (its state directory and its accounts), marked `added`.
///
/// The `user.` and `vm.` families hold the accounts; `L7RAccounts` documents their syntax.
public enum L7RConfigDefaults {
    /// The table.
    public static let table = ConfigDefaultsTable(
        component: "qvd-l7r-stub",
        keys: [
            .upstream("l7r.port", "8443", .integer(1...65535),
                      "TCP port the L7R listens on."),
            .upstream("l7r.address", "*", .text,
                      "Address the L7R listens on; `*` listens on every address."),
            .upstream("l7r.use_ssl", "1", .boolean,
                      "Serve TLS (1.2 and 1.3); 0 serves plain TCP, as upstream's `l7r.use_ssl = 0`."),
            .added("l7r.ssl.cert", "", .path,
                   "PEM certificate file; empty uses (and on first start creates) a self-signed pair in the state directory."),
            .added("l7r.ssl.key", "", .path,
                   "PEM private key file matching `l7r.ssl.cert`."),
            .added("l7r.stub.state_dir", "/var/lib/qvd-l7r-stub", .path,
                   "Directory for the self-signed certificate and key the stub creates."),
            .added("l7r.stub.accounts_file", "", .path,
                   "A second properties file holding the `user.*` and `vm.*` keys; empty reads them from this file only."),
            .upstream("internal.l7r.timeout.vma", "4", .number,
                      "Seconds one RPC call to a VMA may take."),
            .upstream("internal.l7r.retry.x_start", "20", .integer(0...1000),
                      "How many more times a failing `x_start` is retried."),
            .upstream("internal.l7r.poll_time.x", "1", .number,
                      "Seconds between `x_start` retries and between `x_state` polls."),
            .upstream("internal.l7r.timeout.x_start", "10", .number,
                      "Seconds the X session may stay `starting` (or unanswered) before the connect fails."),
            .upstream("internal.l7r.poll_time.vm", "2", .number,
                      "Seconds between the 102s while a stopped VM is started or stopped."),
        ],
        families: [
            ConfigKeyFamily(prefix: "user.", pattern: "user.<login>.<field>",
                            summary: "Users of the stub (see L7RAccounts).", origin: .added),
            ConfigKeyFamily(prefix: "vm.", pattern: "vm.<id>.<field>",
                            summary: "Virtual machines of the stub (see L7RAccounts).", origin: .added),
        ]
    )
}
