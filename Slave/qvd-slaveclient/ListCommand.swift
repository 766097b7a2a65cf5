import ArgumentParser
import Foundation
import QVDSlave

/// `list`: `GET /shares` (our extension): the VM's share directories and their state, with
/// the local folder of those this user's `share` processes serve.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the shares in the VM: name, state (mounted, idle, stale), local folder.")

    func run() throws {
        try SlaveClientContext.run { () throws(SlaveError) in
            let context = try SlaveClientContext.load()
            let response = try SlaveClientContext.expect(
                try context.client.send(method: "GET", target: "/shares"), .ok, "list shares")
            guard let entries = try? JSONDecoder().decode([ShareEntry].self, from: Data(response.body)) else {
                throw SlaveError(.protocolViolation, "list shares", "the VM's answer is not a share list")
            }
            let local = Dictionary(context.state.records().filter { $0.port == context.port }.map { ($0.ticket, $0.path) },
                                   uniquingKeysWith: { first, _ in first })
            for entry in entries {
                print("\(entry.name)\t\(entry.state.rawValue)\t\(local[entry.name] ?? "-")")
            }
        }
    }
}
