import Foundation
import QVDCore

/// Decides what a VM → client request is, or how it is refused. Upstream's client server
/// checked no key at all (`upstream-slave-channel.md` §4.5); here every route needs it.
public enum ClientSlaveRouter {
    /// Largest `POST /open-url` body accepted.
    public static let maxURLBytes = 8 * 1024

    /// Routes `head`; `body` is the request body (read by the caller up to
    /// ``maxURLBytes``). `openURLEnabled` is `client.slave.open_url`.
    public static func route(_ head: HTTPRequestHead, body: [UInt8], key: SlaveKey,
                             openURLEnabled: Bool) -> Result<ClientSlaveRequest, SlaveRefusal> {
        if let refusal = SlaveAuthorization.check(head.headers, key: key).refusal {
            return .failure(refusal)
        }
        switch (head.method, head.rawPath) {
        case ("GET", "/ping"):
            return .success(ClientSlaveRequest.ping)
        case ("GET", "/version"):
            return .success(ClientSlaveRequest.version)
        case ("POST", "/open-url"):
            guard openURLEnabled else {
                return .failure(SlaveRefusal(status: .forbidden,
                                                  message: "Opening URLs on the client is disabled (client.slave.open_url = 0).\n"))
            }
            let fromQuery = head.queryParameters.first { $0.name == "url" }?.value
            let text = fromQuery ?? String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let url = OpenURLPolicy.validate(text) else {
                return .failure(SlaveRefusal(status: .badRequest, message: "Only http and https URLs are opened.\n"))
            }
            return .success(ClientSlaveRequest.openURL(url))
        default:
            return .failure(SlaveRefusal(status: .notFound))
        }
    }
}
