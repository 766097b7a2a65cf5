#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import Logging
import QVDCore
import QVDSlave

/// `share DIR [--read-only]`: `PUT /shares/<DIR>`; on `101` the VM mounts it under
/// `~/Redirected/<ticket>` and this process serves DIR over SFTP until the VM closes.
struct ShareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "share",
        abstract: "Share a local folder with the VM (it appears in ~/Redirected there) until the VM lets go.",
        discussion: "Prints the share's ticket (its name in ~/Redirected) on a line of its own, then serves the folder in the foreground.")

    @Argument(help: ArgumentHelp("The local folder to share.", valueName: "dir"))
    var directory: String

    @Flag(name: .long, help: "Refuse writes from the VM.")
    var readOnly = false

    func run() throws {
        try SlaveClientContext.run { () throws(SlaveError) in
            let context = try SlaveClientContext.load()
            let folder = try SlaveClientContext.canonical(directory, directory: true)
            let target = "/shares/" + SlavePathEncoding.encode(folder)
            let response = try SlaveClientContext.expect(
                try context.client.send(method: "PUT", target: target, upgrade: true), .switchingProtocols, "share \(folder)")
            guard let socket = response.socket else { return }
            defer { close(socket) }
            let ticket = response.head.headers["X-QVD-Share-Ticket"] ?? ShareName.derive(fromClientPath: folder).value
            FileHandle.standardOutput.write(Data((ticket + "\n").utf8))
            let record = ShareRecord(ticket: ticket, path: folder, readOnly: readOnly, pid: getpid(), port: context.port)
            try context.state.add(record)
            defer { try? context.state.remove { $0 == record } }
            let server = ShareServers.preferred(logger: Logger(label: "qvd-slaveclient"))
            try server.serve(root: folder, readOnly: readOnly, input: socket, output: socket)
        }
    }
}
