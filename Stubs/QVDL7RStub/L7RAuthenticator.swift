import Foundation
import QVDCore

/// Checks a request's `Authorization` header against the accounts, as upstream's L7R does
/// (`upstream-l7r-protocol.md` §3.1): the header name is matched exactly (a lower-case
/// `authorization` fails); `Basic base64(login:password)` is split at the first `:`, the login
/// must be non-empty, the password non-empty; `Bearer base64(token)` is compared with the
/// user's token hashes. Logins are lower-cased, and a `@default`/`#default` tenant suffix
/// is accepted. Unlike upstream, a token stays valid on reuse (spec README "Compatibility
/// hazards": both clients then work).
public struct L7RAuthenticator: Sendable {
    public var accounts: L7RAccounts

    public init(accounts: L7RAccounts) {
        self.accounts = accounts
    }

    /// The authenticated user, or `nil` (answer 401).
    public func authenticate(_ headers: HTTPHeaders) -> L7RUser? {
        guard let value = headers.exactValue(named: HTTPHeaderName.authorization) else { return nil }
        if value.hasPrefix("Basic ") {
            guard let decoded = Self.base64(value.dropFirst("Basic ".count)),
                  let colon = decoded.firstIndex(of: ":") else { return nil }
            let login = Self.normalise(String(decoded[..<colon]))
            let password = String(decoded[decoded.index(after: colon)...])
            guard !login.isEmpty, !password.isEmpty, let user = accounts.users[login], !user.blocked,
                  let hash = user.password, hash.matches(password) else { return nil }
            return user
        }
        if value.hasPrefix("Bearer ") {
            guard let token = Self.base64(value.dropFirst("Bearer ".count)), !token.isEmpty else { return nil }
            // Every token is checked, so the time taken does not say which user matched.
            var found: L7RUser?
            for user in accounts.users.values.sorted(by: { $0.login < $1.login }) {
                for hash in user.tokens.values where hash.matches(token) && found == nil && !user.blocked {
                    found = user
                }
            }
            return found
        }
        return nil
    }

    /// Lower-cases and drops a `@default` or `#default` tenant (upstream's Default plugin,
    /// separators `@#`, default tenant `default`).
    static func normalise(_ login: String) -> String {
        let lower = login.lowercased()
        if let separator = lower.firstIndex(where: { $0 == "@" || $0 == "#" }),
           lower[lower.index(after: separator)...] == "default" {
            return String(lower[..<separator])
        }
        return lower
    }

    static func base64(_ text: Substring) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var padded = trimmed
        while padded.utf8.count % 4 != 0 { padded += "=" }
        guard let data = Data(base64Encoded: padded) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
