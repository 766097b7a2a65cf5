import QVDCore

/// Turns an L7R answer that is not the one hoped for into a `ClientError` with a clear
/// message and its exit code (`upstream-l7r-protocol.md` §4, §5.4, §7;
/// `upstream-clients-observed.md` §8.2: the real L7R closes without an answer on most
/// late failures and answers an unknown or blocked VM with a malformed 404).
public enum L7RResponseMapper {
    /// The error for a final status other than the expected one in `phase`.
    public static func error(status: Int, body: [UInt8], phase: ClientPhase, vmID: Int? = nil, host: String) -> ClientError {
        let said = serverText(body)
        let saying = said.isEmpty ? "" : ": \(said)"
        let vm = vmID.map { "VM \($0)" } ?? "the VM"
        switch (status, phase) {
        case (401, _):
            return ClientError(.authentication, phase: phase, "\(host) refused the login (401)",
                               hint: "check the user name and password, or the token")
        case (503, .listingVMs), (503, .stoppingVM) where said.hasPrefix("Server is") || said.hasPrefix("Host is not"):
            return ClientError(.maintenance, phase: phase, "\(host) is not accepting sessions (503)\(saying)",
                               hint: "retry later or ask the administrator")
        case (503, .connectingVM) where said.hasPrefix("Server is") || said.hasPrefix("Host is not"):
            return ClientError(.maintenance, phase: phase, "\(host) is not accepting sessions (503)\(saying)",
                               hint: "retry later or ask the administrator")
        case (404, .connectingVM), (404, .stoppingVM):
            return ClientError(.noSuchVM, phase: phase, "\(vm) does not exist (404)\(saying)",
                               hint: "list your VMs with -l")
        case (403, .connectingVM) where said.hasPrefix("Invalid parameters"):
            return ClientError(.protocolError, phase: phase, "the server refused our parameters (403)\(saying)")
        case (403, .connectingVM):
            return ClientError(.vmBlocked, phase: phase, "\(vm) is blocked for maintenance (403)\(saying)",
                               hint: "retry later or ask the administrator")
        case (403, .stoppingVM):
            return ClientError(.noSuchVM, phase: phase, "\(vm) is not yours to stop (403)\(saying)")
        case (503, _), (500, .connectingVM), (408, .stoppingVM):
            return ClientError(.vmUnavailable, phase: phase, "\(vm) is not available (\(status))\(saying)",
                               hint: "retry later")
        case (426, _):
            return ClientError(.protocolError, phase: phase, "the server wants another protocol version (426)\(saying)")
        default:
            return ClientError(.protocolError, phase: phase, "unexpected answer \(status)\(saying)")
        }
    }

    /// The connection ended before a final answer.
    public static func closed(phase: ClientPhase, lastProgress: String?, host: String) -> ClientError {
        switch phase {
        case .connectingVM, .stoppingVM:
            let after = lastProgress.map { " after \"\($0)\"" } ?? ""
            return ClientError(.vmUnavailable, phase: phase,
                               "\(host) closed the connection without an answer\(after)",
                               hint: "the server could not start the session; retry later or ask the administrator")
        default:
            return ClientError(.network, phase: phase, "\(host) closed the connection without an answer")
        }
    }

    /// A response head the framing could not parse.
    public static func malformed(phase: ClientPhase, vmID: Int?, problem: String, host: String) -> ClientError {
        if phase == .connectingVM {
            // Upstream's L7R answers an unknown or blocked VM with a 404 whose head holds
            // the inner status and text as extra lines (observed §8.2 item 2).
            let vm = vmID.map { "VM \($0)" } ?? "the VM"
            return ClientError(.noSuchVM, phase: phase,
                               "\(host) refused \(vm) with a malformed answer, which upstream's L7R sends when the VM does not exist or is blocked",
                               hint: "list your VMs with -l")
        }
        return ClientError(.protocolError, phase: phase, "\(host) sent a malformed HTTP answer: \(problem)")
    }

    /// The server's text, on one line, without control characters, at most 200 characters.
    static func serverText(_ body: [UInt8]) -> String {
        let text = String(decoding: body, as: UTF8.self)
        let cleaned = text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : String($0) }.joined()
        let collapsed = cleaned.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return collapsed.count > 200 ? String(collapsed.prefix(200)) + "…" : collapsed
    }
}
