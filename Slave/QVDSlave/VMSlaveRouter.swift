import QVDCore

/// Decides what a client → VM request is, or how it is refused, without doing anything:
/// authentication first (every route, `SlaveAuthorization`), then the route, then the
/// route's headers. Anything else is `404`, as upstream.
///
/// Routes match on the raw path as upstream's router does (`/shares/**`, `/open/**`); the
/// rest of the path is then percent-decoded (upstream's clients send paths raw, ours
/// percent-encode them; a raw path without `%` decodes to itself).
public enum VMSlaveRouter {
    public static func route(_ head: HTTPRequestHead, key: SlaveKey) -> Result<VMSlaveRequest, SlaveRefusal> {
        if let refusal = SlaveAuthorization.check(head.headers, key: key).refusal {
            return .failure(refusal)
        }
        let path = head.rawPath
        let notFound = SlaveRefusal(status: .notFound)
        if path == "/shares" || path == "/shares/" {
            if head.method == "GET" { return .success(.list) }
            if path == "/shares/", head.method == "PUT" { return share(rest: "", head) }
            return .failure(notFound)
        }
        if let rest = path.dropPrefix("/shares/") {
            switch head.method {
            case "PUT":
                return share(rest: rest, head)
            case "GET":
                return SlaveUpgrade.parse(head.headers).map { .export(vmPath: decode(rest), upgrade: $0) }
            case "DELETE":
                return .success(.unshare(name: decode(rest)))
            default:
                return .failure(notFound)
            }
        }
        if let rest = path.dropPrefix("/open/"), head.method == "POST" {
            return .success(.open(ticket: head.headers["X-QVD-Share-Ticket"], path: decode(rest)))
        }
        return .failure(notFound)
    }

    private static func share(rest: String, _ head: HTTPRequestHead) -> Result<VMSlaveRequest, SlaveRefusal> {
        SlaveUpgrade.parse(head.headers).map { .share(clientPath: decode(rest), upgrade: $0) }
    }

    static func decode(_ raw: String) -> String {
        QueryString.percentDecode(raw, plusAsSpace: false)
    }
}

extension String {
    func dropPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
