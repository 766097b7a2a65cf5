import QVDCore

/// The request heads `qvdclient` sends to the L7R (`upstream-l7r-protocol.md` §4.1, §5.1, §7).
///
/// Our choices, compared with the transcripts (`upstream-clients-observed.md` §4.2–4.3,
/// §5.2–5.3): CR LF line ends (as Perl); no `Host` (neither Perl nor the C connect request
/// send one; the L7R needs none); `list_of_vm` without Perl's trailing `?`; the connect
/// parameters in one fixed order (`id`, `os`, `keyboard`, `link`, `geometry`,
/// `fullscreen`), percent-encoded as Perl does (`pc105%2Fus`), only the ones we use
/// (Perl also sends empty audio/USB keys); `stop_vm` carries the `id` (C's does not, §4.4)
/// and, as Perl's, the upgrade headers; our own `User-Agent`.
public enum L7RRequest {
    public static let userAgent = "qvdclient-swift/1.0 (linux)"

    /// `GET /qvd/list_of_vm`.
    public static func listOfVM(credentials: ClientCredentials) -> HTTPRequestHead {
        HTTPRequestHead(method: "GET", target: "/qvd/list_of_vm", headers: HTTPHeaders([
            ("Authorization", credentials.headerValue),
            ("Accept", "application/json"),
            ("User-Agent", userAgent),
        ]))
    }

    /// `GET /qvd/stop_vm?id=N`.
    public static func stopVM(id: Int, credentials: ClientCredentials) -> HTTPRequestHead {
        HTTPRequestHead(method: "GET", target: "/qvd/stop_vm?id=\(id)", headers: upgradeHeaders(credentials))
    }

    /// `GET /qvd/connect_to_vm?id=N&qvd.client.os=linux&…` with `Connection: Upgrade` and
    /// `Upgrade: QVD/1.0`.
    public static func connectToVM(id: Int, settings: ClientSettings, credentials: ClientCredentials) -> HTTPRequestHead {
        let parameters: [(String, String)] = [
            ("id", String(id)),
            ("qvd.client.os", "linux"),
            ("qvd.client.keyboard", settings.keyboard),
            ("qvd.client.link", settings.link),
            ("qvd.client.geometry", settings.geometry),
            ("qvd.client.fullscreen", settings.fullscreen ? "1" : "0"),
        ]
        let query = parameters.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
        return HTTPRequestHead(method: "GET", target: "/qvd/connect_to_vm?" + query, headers: upgradeHeaders(credentials))
    }

    private static func upgradeHeaders(_ credentials: ClientCredentials) -> HTTPHeaders {
        HTTPHeaders([
            ("Authorization", credentials.headerValue),
            ("Connection", "Upgrade"),
            ("Upgrade", "QVD/1.0"),
            ("User-Agent", userAgent),
        ])
    }

    /// Perl's `uri_escape`: everything but `A-Z a-z 0-9 - _ . ~` as `%XX`.
    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                 UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
