/// One user of the stub: a login, a salted password hash and optional bearer tokens
/// (stored hashed as well). Upstream keeps these in its database (`upstream-l7r-protocol.md` §3.1).
public struct L7RUser: Sendable, Hashable {
    /// The login, lower-case (upstream lower-cases logins by default).
    public var login: String
    /// The password, salted and hashed (`nil`: password logins are refused).
    public var password: SaltedHash?
    /// Hashes of the bearer tokens that log this user in, by token name.
    public var tokens: [String: SaltedHash]
    /// A blocked user gets 401 like a wrong password (§3.1).
    public var blocked: Bool

    public init(login: String, password: SaltedHash?, tokens: [String: SaltedHash] = [:], blocked: Bool = false) {
        self.login = login
        self.password = password
        self.tokens = tokens
        self.blocked = blocked
    }
}
