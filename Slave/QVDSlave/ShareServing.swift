/// Serves one folder over SFTP v3 on an already-upgraded slave stream until the peer
/// closes it: what runs after the `101` of `GET /shares/**` in the VM and of
/// `PUT /shares/**` on the client.
///
/// The one place the SFTP server is plugged in: ``ConfinedShareServer`` (the project's
/// own `QVDSFTP.SFTPServer`, every path resolved under the root, links out refused) in the
/// programs; ``OpenSSHShareServer`` (OpenSSH's `sftp-server`, which only *starts* in the
/// folder and is **not confined**, `upstream-slave-channel.md` §6 item 1) for comparisons.
public protocol ShareServing: Sendable {
    func serve(root: String, readOnly: Bool, input: Int32, output: Int32) throws(SlaveError)
}
