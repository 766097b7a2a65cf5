import Testing
@testable import QVDClient

/// Every error answer of `upstream-l7r-protocol.md` §4, §5.4 and §7 gives its own exit code.
@Suite struct L7RResponseMapperTests {
    static let cases: [(Int, String, ClientPhase, ClientExitCode)] = [
        (401, "", .listingVMs, .authentication),
        (401, "", .connectingVM, .authentication),
        (503, "Server is blocked", .listingVMs, .maintenance),
        (503, "Host is not registered in the database", .listingVMs, .maintenance),
        (503, "Server is blocked", .connectingVM, .maintenance),
        (404, "The requested virtual machine does not exist", .connectingVM, .noSuchVM),
        (403, "The requested virtual machine is offline for maintenance", .connectingVM, .vmBlocked),
        (403, "Invalid parameters foo", .connectingVM, .protocolError),
        (503, "The requested virtual machine is not available: no host, retry later.", .connectingVM, .vmUnavailable),
        (500, "boom", .connectingVM, .vmUnavailable),
        (426, "", .connectingVM, .protocolError),
        (422, "parameter id is missing", .connectingVM, .protocolError),
        (404, "", .stoppingVM, .noSuchVM),
        (408, "VM didn't reach state 'stopped'. Timeout", .stoppingVM, .vmUnavailable),
    ]

    @Test(arguments: 0..<cases.count)
    func statusToExitCode(index: Int) {
        let (status, body, phase, code) = Self.cases[index]
        let error = L7RResponseMapper.error(status: status, body: Array(body.utf8), phase: phase, vmID: 1, host: "h")
        #expect(error.code == code, "\(status) \(phase)")
        #expect(error.phase == phase)
        #expect(error.message.contains("(\(status))") || error.message.contains(" \(status)"))
        if !body.isEmpty { #expect(error.message.contains(body)) }
    }

    @Test func closeAndMalformed() {
        let closed = L7RResponseMapper.closed(phase: .connectingVM, lastProgress: "Starting X session at VM 1", host: "h")
        #expect(closed.code == .vmUnavailable)
        #expect(closed.description == "connecting to the VM: h closed the connection without an answer after \"Starting X session at VM 1\" (the server could not start the session; retry later or ask the administrator)")
        #expect(L7RResponseMapper.closed(phase: .listingVMs, lastProgress: nil, host: "h").code == .network)
        #expect(L7RResponseMapper.malformed(phase: .connectingVM, vmID: 4, problem: "x", host: "h").code == .noSuchVM)
        #expect(L7RResponseMapper.serverText(Array("a\r\n  b\u{7}c".utf8)) == "a b c")
    }

    @Test func exitCodesAreDistinct() {
        #expect(Set(ClientExitCode.allCases.map(\.rawValue)).count == ClientExitCode.allCases.count)
        #expect(ClientExitCode.documentation.contains("  3\tauthentication failed"))
    }
}
