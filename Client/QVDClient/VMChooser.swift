/// Picks the VM to connect to (`upstream-l7r-protocol.md` §4, "VM selection"): `-s ID`
/// (must be in the list), `-o` (the first), the only one, or, on a terminal, a prompt;
/// not on a terminal with several VMs it fails, listing them.
public enum VMChooser {
    public static func choose(
        from list: VMList, vmID: Int?, first: Bool, console: any ClientConsole
    ) throws(ClientError) -> VMListEntry {
        if let vmID {
            guard let entry = list.entry(id: vmID) else {
                throw ClientError(.noSuchVM, phase: .choosingVM,
                                  "VM \(vmID) is not among your VMs (\(summary(list)))", hint: "list them with -l")
            }
            return entry
        }
        guard let firstEntry = list.entries.first else {
            throw ClientError(.noVMs, phase: .choosingVM, "the server lists no VM for you",
                              hint: "ask the administrator to assign one")
        }
        if first || list.entries.count == 1 { return firstEntry }
        guard console.isInteractive else {
            throw ClientError(.usage, phase: .choosingVM, "you have several VMs (\(summary(list)))",
                              hint: "choose one with -s ID or -o")
        }
        console.status(list.table)
        for _ in 0..<3 {
            guard let answer = console.ask("Choose VM id: ") else { break }
            let trimmed = answer.trimmingCharacters(in: " \t")
            if let id = Int(trimmed), let entry = list.entry(id: id) { return entry }
            if let entry = list.entries.first(where: { $0.name == trimmed }) { return entry }
            console.status("No VM \"\(trimmed)\" here.")
        }
        throw ClientError(.usage, phase: .choosingVM, "no VM chosen")
    }

    static func summary(_ list: VMList) -> String {
        list.entries.isEmpty ? "none" : list.entries.map { "\($0.id) \($0.name)" }.joined(separator: ", ")
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice.removeFirst() }
        while let last = slice.last, characters.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
