import NIOCore

/// What the stub tracks per VM while it runs, in place of upstream's `vm_runtimes` table
/// (`upstream-l7r-protocol.md` §10): the VM state `list_of_vm` reports, and the client
/// connection relaying to the VM's nxagent, so that a second connect can end it (takeover).
public actor L7RVMRuntime {
    private var states: [Int: String]
    private var sessions: [Int: any Channel] = [:]

    public init(accounts: L7RAccounts) {
        states = accounts.machines.mapValues(\.initialState)
    }

    /// The state of VM `id` (`running` or `stopped`), `stopped` when unknown.
    public func state(of id: Int) -> String {
        states[id] ?? "stopped"
    }

    public func setState(_ state: String, of id: Int) {
        states[id] = state
    }

    /// Whether a connection currently holds VM `id`.
    public func hasSession(_ id: Int) -> Bool {
        sessions[id] != nil
    }

    /// Makes `channel` the holder of VM `id` and closes the previous holder, if any
    /// (upstream aborts the contending session, §7 "Taking over"). Returns whether there was one.
    @discardableResult
    public func takeOver(_ id: Int, by channel: any Channel) -> Bool {
        let previous = sessions[id]
        sessions[id] = channel
        guard let previous, previous !== channel else { return false }
        previous.close(promise: nil)
        return true
    }

    /// Forgets `channel` as the holder of VM `id`, if it still is.
    public func release(_ id: Int, by channel: any Channel) {
        if let current = sessions[id], current === channel {
            sessions[id] = nil
        }
    }

    /// Ends the session on VM `id`, if any (used by `stop_vm`).
    public func endSession(_ id: Int) {
        sessions.removeValue(forKey: id)?.close(promise: nil)
    }
}

extension L7RVMRuntime {
    /// Whether `channel` still holds VM `id` (false once another connect took it over).
    public func holds(_ id: Int, by channel: any Channel) -> Bool {
        if let current = sessions[id] { return current === channel }
        return false
    }
}
