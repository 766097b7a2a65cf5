import ArgumentParser
import QVDSlave

/// `unshare NAME`: `DELETE /shares/<NAME>` (our extension): the VM unmounts the share and
/// removes its directory; the serving `share` process then ends.
struct UnshareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unshare", abstract: "Stop sharing: unmount ~/Redirected/NAME in the VM.")

    @Argument(help: ArgumentHelp("The share's ticket, as `share` printed or `list` shows.", valueName: "name"))
    var name: String

    func run() throws {
        try SlaveClientContext.run { () throws(SlaveError) in
            let context = try SlaveClientContext.load()
            _ = try SlaveClientContext.expect(
                try context.client.send(method: "DELETE", target: "/shares/" + SlavePathEncoding.encode(name)),
                .ok, "unshare \(name)")
            try context.state.remove { $0.ticket == name && $0.port == context.port }
            print("unshared \(name)")
        }
    }
}
