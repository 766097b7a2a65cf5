import QVDL7RStub

/// How the stub is set up to replay one recording (`TranscriptReplayTests`): the default
/// is `StubFixture`'s accounts (alice / PASSWORD owning running VM 1 "Desktop-1" and stopped
/// VM 2 "Desktop-2", as in the recordings), changed as the recording's scenario needs.
struct ReplaySetup: Sendable {
    /// How many responses the replay must compare.
    var responseCount = 0
    /// What the fake VMA's `x_state` settles on.
    var vmaFinalState = "listening"
    /// Only these connections of the recording are replayed (`nil`: all).
    var connections: Set<String>?
    /// Raw bearer tokens alice also holds (the recordings write `<base64(TOKEN)>`).
    var tokens: [String] = []
    /// VM 1 is blocked (offline for maintenance).
    var vm1Blocked = false
    /// VM 1 belongs to bob, not alice.
    var vm1OwnedByBob = false
    /// VM 1 does not exist (it vanished between the list and the connect).
    var vm1Missing = false
    /// alice owns no VM.
    var noVMs = false
    /// alice has no application VMs (the real L7R's database of the `l7r-*` recordings).
    var noApplications = false
    /// Compare only the final answer of each request, not the `102` texts before it.
    var finalOnly = false

    func accounts(vmaPort: Int, nxPort: Int) -> L7RAccounts {
        var accounts = StubFixture.accounts(vmaPort: vmaPort, nxPort: nxPort)
        if var alice = accounts.users["alice"] {
            for (index, token) in tokens.enumerated() { alice.tokens["recorded-\(index)"] = .make(secret: token) }
            accounts.users["alice"] = alice
        }
        if vm1Blocked { accounts.machines[1]?.blocked = true }
        if vm1OwnedByBob { accounts.machines[1]?.owner = "bob" }
        if vm1Missing { accounts.machines[1] = nil }
        if noApplications {
            for id in accounts.machines.keys where accounts.machines[id]?.isApplication == true { accounts.machines[id] = nil }
        }
        if noVMs {
            for id in accounts.machines.keys where accounts.machines[id]?.owner == "alice" { accounts.machines[id]?.owner = "bob" }
        }
        return accounts
    }
}

/// What `TranscriptReplayTests` does with each recording of
/// `/work/shared/spec/transcripts/client/`: replay it against a stub set up like the
/// recording, or skip it, saying why.
enum ReplayPlan: Sendable {
    case replay(ReplaySetup)
    case skip(String)

    static func replay(_ responses: Int, _ configure: (inout ReplaySetup) -> Void = { _ in }) -> ReplayPlan {
        var setup = ReplaySetup(responseCount: responses)
        configure(&setup)
        return .replay(setup)
    }

    // Reasons shared by several recordings.
    static let noHTTP = "the client refused the certificate before sending any HTTP: no request to replay"
    static let oddJSON = "the test double served list_of_vm with booleans, strings or null, to test the clients; the stub, like upstream's L7R, sends integers"
    static let transportFault = "the test double closed the connection after a 102 (an injected fault); the stub answers 503 instead (spec README: it names the cause)"
    static let connectUnauthorized = "the test double refused connect_to_vm with the credentials it had just accepted for list_of_vm; no stub configuration does that"
    static let nodeChecks = "the node checks (`Host is not registered`, `Server is blocked`) never fire: the stub is one registered, running node"
    static let internalError = "an injected 500 of the test double; the stub has no internal error to provoke"
    static let noHost = "needs the load balancer to find no host for the VM; the stub has no hosts"
    static let malformed404 = "the real L7R garbles this 403/404 into a malformed 404 (upstream-clients-observed.md §8.2 item 2); the stub sends the intended answer (spec README), replayed with the test double's c-connect-err-vm-blocked / -vm-missing"
    static let perlOneConnection = "the Perl client lists and connects on one connection: the recorded list shows VM 1 usable, which no configuration that makes its connect fail (blocked, missing) can also give; the C variant is replayed"
    static let noWireBytes = "no wire bytes: the client's console only (TLS 1.2 and head/body in separate records are checked by L7RTLSTests)"

    /// Every recording of the folder.
    static let table: [String: ReplayPlan] = [
        // The C client against the test double.
        "c-bearer.txt": replay(1),
        "c-bearer-fixed.txt": replay(7) { $0.tokens = ["TOKEN"] },
        "c-cert-no.txt": .skip(noHTTP),
        "c-cert-saved.txt": .skip(noHTTP),
        "c-cert-yes.txt": replay(1),
        "c-cert-yes-connect.txt": replay(7),
        "c-choose.txt": replay(10),
        "c-connect-e2e-nx.txt": replay(7),
        "c-connect-err-close-after-102.txt": .skip(transportFault),
        "c-connect-err-close-after-102-debug.txt": .skip(transportFault),
        "c-connect-err-connect-unauthorized.txt": .skip(connectUnauthorized),
        "c-connect-err-connect-unauthorized-debug.txt": .skip(connectUnauthorized),
        "c-connect-err-host-unregistered.txt": .skip(nodeChecks),
        "c-connect-err-internal.txt": .skip(internalError),
        "c-connect-err-no-host.txt": .skip(noHost),
        "c-connect-err-not-allowed.txt": replay(1) { $0.vm1OwnedByBob = true; $0.connections = ["c2"] },
        "c-connect-err-server-blocked.txt": .skip(nodeChecks),
        "c-connect-err-start-timeout.txt": .skip("needs a VM that never reaches `running`; the stub has no hypervisor and starts a stopped VM at once"),
        // x_state stays `starting`: 503 "operation timed out". The test double skips the
        // "Waiting for X session" 102 before it, so only the final answer is compared.
        "c-connect-err-unavailable.txt": replay(1) { $0.vmaFinalState = "starting"; $0.finalOnly = true; $0.connections = ["c2"] },
        "c-connect-err-unavailable-debug.txt": replay(1) { $0.vmaFinalState = "starting"; $0.finalOnly = true; $0.connections = ["c2"] },
        "c-connect-err-vm-blocked.txt": replay(1) { $0.vm1Blocked = true; $0.connections = ["c2"] },
        "c-connect-err-vm-blocked-debug.txt": replay(1) { $0.vm1Blocked = true; $0.connections = ["c2"] },
        "c-connect-err-vm-blocked-real.txt": .skip(malformed404),
        "c-connect-err-vm-missing.txt": replay(1) { $0.vm1Missing = true; $0.connections = ["c2"] },
        "c-connect-o-n.txt": replay(7),
        "c-connect-ok-debug.txt": replay(7),
        "c-connect-options.txt": replay(10),
        "c-list-empty.txt": replay(1) { $0.noVMs = true },
        "c-list-json-bools.txt": .skip(oddJSON),
        "c-list-json-nullblocked.txt": .skip(oddJSON),
        "c-list-json-strings.txt": .skip(oddJSON),
        "c-list-n.txt": replay(1),
        "c-restart.txt": replay(8),
        "c-wrongpw-list.txt": replay(1),

        // The Perl client against the test double.
        "p-bearer.txt": replay(7) { $0.tokens = ["TOKEN"] },
        "p-cert-abort.txt": .skip(noHTTP),
        "p-cert-accepted.txt": replay(1),
        "p-cert-ask-accept.txt": replay(1),
        "p-cert-ask-quit.txt": .skip(noHTTP),
        "p-connect.txt": replay(7),
        "p-connect-choose.txt": replay(10),
        "p-connect-e2e-nx.txt": replay(7),
        "p-connect-err-close-after-102.txt": .skip(transportFault),
        "p-connect-err-connect-unauthorized.txt": .skip(connectUnauthorized),
        "p-connect-err-host-unregistered.txt": .skip(nodeChecks),
        "p-connect-err-internal.txt": .skip(internalError),
        "p-connect-err-no-host.txt": .skip(noHost),
        "p-connect-err-server-blocked.txt": .skip(nodeChecks),
        // Five tries, each a list and a connect that times out in `starting`.
        "p-connect-err-unavailable.txt": replay(10) { $0.vmaFinalState = "starting"; $0.finalOnly = true },
        "p-connect-err-vm-blocked.txt": .skip(perlOneConnection),
        "p-connect-err-vm-missing.txt": .skip(perlOneConnection),
        "p-connect-slavecmd.txt": replay(10),
        "p-list.txt": replay(1),
        "p-list-empty.txt": replay(1) { $0.noVMs = true },
        "p-list-file.txt": replay(1),
        "p-list-json.txt": replay(1),
        "p-list-json-bools.txt": .skip(oddJSON),
        "p-list-json-nullblocked.txt": .skip(oddJSON),
        "p-list-json-strings.txt": .skip(oddJSON),
        "p-wrongpw.txt": replay(5),

        // Both clients against the real L7R (through a relaying recorder).
        // The list only: the real L7R's tokens are spent by their first use (the connect on c2
        // gets 401); the stub's tokens are not single-use.
        "l7r-c-bearer-fixed.txt": replay(1) { $0.tokens = ["L7R-TOKEN-2"]; $0.connections = ["c1"] },
        "l7r-c-connect.txt": replay(7),
        // The list only: the connect needs a VM no host can take (408 re-wrapped as 503).
        "l7r-c-connect-vm2-stopped.txt": replay(1) { $0.connections = ["c1"] },
        "l7r-c-list.txt": replay(1),
        // The list only: the connect needs another (dead) L7R holding the VM in the database.
        "l7r-c-takeover.txt": replay(1) { $0.connections = ["c1"] },
        "l7r-p-bearer.txt": replay(7) { $0.tokens = ["L7R-TOKEN-1"] },
        // The token was spent before: alice has no token, every try gets 401.
        "l7r-p-bearer-reuse.txt": replay(5),
        "l7r-p-connect.txt": replay(7),
        "l7r-p-vm-blocked.txt": .skip(malformed404),
        "l7r-p-vm-unknown.txt": .skip(malformed404),
        "l7r-p-wrongpw.txt": replay(5),
        "l7r-raw-requests.txt": .skip("requests described, not recorded: replayed as written out in TranscriptReplayTests.rawRequests"),
        "l7r-raw-list-nullblocked.txt": .skip("blocked = null comes from a NULL database column; the stub's blocked is 0 or 1"),
        "l7r-raw-stop-vm.txt": .skip("needs a VM that never stops (no HKD acts on the command, 408 after 5 s); the stub marks the VM stopped at once"),
        "l7rtls-c-cert-yes-connect.txt": .skip(noWireBytes),
        "l7rtls-c-unknownvm.txt": .skip(noWireBytes),
        "l7rtls-p-list.txt": .skip(noWireBytes),
    ]
}
