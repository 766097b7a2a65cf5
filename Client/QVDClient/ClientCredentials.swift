import Foundation
/// How the client authenticates to the L7R (`upstream-l7r-protocol.md` §3.1).
public enum ClientCredentials: Sendable, Hashable, CustomStringConvertible {
    /// `Authorization: Basic base64(login:password)`.
    case basic(login: String, password: String)
    /// `Authorization: Bearer <token>`, sent verbatim: the token must already be base64,
    /// as upstream's C client takes it (`-b`, `QVDBEARER`; §3.2).
    case bearer(String)

    /// The `Authorization` header value.
    public var headerValue: String {
        switch self {
        case .basic(let login, let password):
            "Basic " + Data("\(login):\(password)".utf8).base64EncodedString()
        case .bearer(let token):
            "Bearer " + token
        }
    }

    /// Never shows the secret.
    public var description: String {
        switch self {
        case .basic(let login, _): "Basic (login \(login))"
        case .bearer: "Bearer (token hidden)"
        }
    }
}
