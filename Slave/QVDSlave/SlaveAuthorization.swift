import QVDCore

/// The answer to "may this request run?": the `Authorization` check every slave-channel
/// request passes first, in both directions (spec README, deliberate difference 4; upstream
/// checked only three VM routes and nothing on the client, `upstream-slave-channel.md`
/// §4.5).
///
/// Upstream's scheme: `Authorization: Basic <key>` with the **raw** key, not base64 of
/// `user:password`. The scheme name is compared ignoring case (RFC 9110 §11.1; upstream's
/// clients always write `Basic`), the key in constant time.
public enum SlaveAuthorization: Sendable, Hashable {
    /// The key matched.
    case accepted
    /// No `Authorization` header: `401` with `WWW-Authenticate: Basic realm="QVD"`.
    case missing
    /// A header that is not `Basic <the key>` (or more than one header): `403`.
    case wrong

    public static func check(_ headers: HTTPHeaders, key: SlaveKey) -> SlaveAuthorization {
        let values = headers.values(named: HTTPHeaderName.authorization)
        guard let value = values.first else { return .missing }
        guard values.count == 1 else { return .wrong }
        let trimmed = value.httpTrimmed
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return .wrong }
        let scheme = trimmed[..<space]
        let credentials = String(trimmed[space...]).httpTrimmed
        guard scheme.lowercased() == "basic" else { return .wrong }
        return key.matches(credentials) ? .accepted : .wrong
    }

    /// The response that ends a refused request; `nil` when accepted. The connection is
    /// closed after it: a peer without the key has nothing more to ask.
    public var refusal: SlaveRefusal? {
        switch self {
        case .accepted:
            return nil
        case .missing:
            return SlaveRefusal(status: .unauthorized,
                                headers: ["WWW-Authenticate": "Basic realm=\"QVD\""],
                                closesConnection: true)
        case .wrong:
            return SlaveRefusal(status: .forbidden, closesConnection: true)
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var httpTrimmed: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
