/// What a run of `qvdclient` does.
public enum ClientAction: Sendable, Hashable {
    /// `-l`/`--list`: print the VMs as a table, or upstream's JSON with `--json`.
    case list(json: Bool)
    /// Choose a VM, connect and run the NX session.
    case connect
    /// `--trust`: show the server's certificate and pin it (`CertificateTrustSession`);
    /// needs no login.
    case trust
}
