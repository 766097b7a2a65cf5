import ArgumentParser
import QVDSlave

/// `qvd-slaveclient`: share client folders with the running session's VM, mount VM
/// folders, open files on the VM desktop — over the slave channel of the session that
/// `qvdclient` runs (`~/.qvd/slave-port`, `~/.qvd/slave-key`; `upstream-slave-channel.md`
/// §3, §4.1).
@main
struct SlaveClientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qvd-slaveclient",
        abstract: "Share folders with the VM of the running QVD session, mount VM folders, open files there.",
        discussion: """
            Talks to the session that qvdclient runs, through its slave channel \
            (~/.qvd/slave-port and ~/.qvd/slave-key). Shares made here are recorded in \
            ~/.qvd/slave-shares.json while their process runs.

            Exit codes: 0 success, 1 other failure, 3 no QVD session is running, \
            4 the slave channel cannot be reached, 5 the VM refused (401/403: wrong key, or a path it may not reach), \
            6 no such share, folder or file on the VM, 7 the VM refused the request, \
            8 a local problem (missing folder, file in no share, missing program), \
            64 bad command line.
            """,
        subcommands: [ShareCommand.self, UnshareCommand.self, ListCommand.self, MountCommand.self, OpenCommand.self]
    )
}
