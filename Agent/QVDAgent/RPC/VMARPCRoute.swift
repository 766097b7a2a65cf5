import QVDCore

/// Where a request goes, decided from its head alone, as upstream decides it
/// (`upstream-vma.md` §1.2, §1.3, §1.7; `upstream-vma-observed.md` §4.6):
///
/// 1. Only `GET` (exactly; `HEAD`, `POST`, `get` → 404) on a path `/vma/<segment>`, where
///    the segment holds no `/`, reaches the RPC layer (upstream registers `GET /vma/*`
///    and its `*` matches `[^/]*`). The path is the raw path of the target, so an absolute
///    URI routes by its path (S27) and `%`-escapes are not decoded. Anything else → 404
///    (S06–S09, S12–S15).
/// 2. The method is the trailing run of word characters (`[A-Za-z0-9_]+$`) of the path:
///    `/vma/foo.x_state` calls `x_state` (S10), `/vma/x-state` calls `state` (S11: 404).
/// 3. `vnc_connect` is upstream's raw HTTP handler (§1.7); every other name is a SimpleRPC
///    call, answered 404 by the server when the service does not know it.
///
/// **Deliberate difference:** a path whose segment does not end in a word character —
/// `GET /vma/` (S08) or `/vma/x_state.` — makes upstream's `die "bad url"` answer
/// `500 Internal Server Error` with a Perl message naming its source file and input line.
/// We answer `404 Not Found`: there is no such method, and nothing failed in the server.
public enum VMARPCRoute: Sendable, Hashable {
    /// A SimpleRPC call of `method` with the query's parameters in the order received.
    case call(method: String, parameters: [QueryParameter])
    /// `vnc_connect`. `upgradeRequested` when the head carries `Connection: Upgrade` and
    /// `Upgrade: VNC`, names and values compared exactly (upstream's case-sensitive
    /// `header_eq_check` on the first header of that name: `connection: Upgrade` → 426, S34).
    case vncConnect(upgradeRequested: Bool)
    /// Nothing is served here: 404.
    case notFound(NotFoundReason)

    /// Why a request is not routed, for the log line.
    public enum NotFoundReason: Sendable, Hashable, CustomStringConvertible {
        /// The method is not exactly `GET`.
        case method(String)
        /// The path is not `/vma/<one segment>`.
        case path
        /// The segment does not end in a word character (`/vma/`): upstream's 500 "bad url".
        case noMethodName

        public var description: String {
            switch self {
            case .method(let method): "method \(method) is not served (only GET)"
            case .path: "path is not /vma/<method>"
            case .noMethodName: "no method name at the end of the path"
            }
        }
    }

    /// The prefix every RPC path starts with.
    public static let pathPrefix = "/vma/"
    /// The raw handler's name (`HTTP_vnc_connect` upstream).
    public static let vncConnectMethod = "vnc_connect"

    public init(head: HTTPRequestHead) {
        guard head.method == "GET" else {
            self = .notFound(.method(head.method))
            return
        }
        let path = head.rawPath
        guard path.hasPrefix(Self.pathPrefix), !path.utf8.dropFirst(Self.pathPrefix.utf8.count).contains(UInt8(ascii: "/"))
        else {
            self = .notFound(.path)
            return
        }
        guard let method = Self.methodName(inPath: path) else {
            self = .notFound(.noMethodName)
            return
        }
        if method == Self.vncConnectMethod {
            let upgrade = head.headers.exactValue(named: "Connection") == "Upgrade"
                && head.headers.exactValue(named: "Upgrade") == "VNC"
            self = .vncConnect(upgradeRequested: upgrade)
        } else {
            self = .call(method: method, parameters: head.queryParameters)
        }
    }

    /// Upstream's `$path =~ /(\w+)$/`: the trailing run of `[A-Za-z0-9_]`, or nil when the
    /// path does not end in one.
    public static func methodName(inPath path: String) -> String? {
        let bytes = Array(path.utf8)
        var start = bytes.endIndex
        while start > bytes.startIndex, isWordByte(bytes[start - 1]) { start -= 1 }
        guard start < bytes.endIndex else { return nil }
        return String(decoding: bytes[start...], as: UTF8.self)
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
