import ArgumentParser
import QVDCore
import QVDSlave

/// `open FILE`: `POST /open/<path in share>` with the ticket of the share (made by
/// `share`) that holds FILE; the VM opens it on the desktop (`upstream-slave-channel.md`
/// §2.2 C, §4.1).
struct OpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open", abstract: "Open a file on the VM desktop; it must be inside a folder shared with `share`.")

    @Argument(help: ArgumentHelp("The local file.", valueName: "file"))
    var file: String

    func run() throws {
        try SlaveClientContext.run { () throws(SlaveError) in
            let context = try SlaveClientContext.load()
            let path = try SlaveClientContext.canonical(file, directory: false)
            guard let share = context.state.share(containing: path, port: context.port) else {
                throw SlaveError(.fileSystem, path,
                                 "it is in no folder shared with the VM; share one first (qvd-slaveclient share DIR)")
            }
            let relative = path == share.path ? "" : String(path.dropFirst(share.path == "/" ? 1 : share.path.count + 1))
            var headers = HTTPHeaders()
            headers.add(name: "X-QVD-Share-Ticket", value: share.ticket)
            _ = try SlaveClientContext.expect(
                try context.client.send(method: "POST", target: "/open/" + SlavePathEncoding.encode(relative), headers: headers),
                .ok, "open \(path)")
            print("opened \(path) on the VM (share \(share.ticket))")
        }
    }
}
