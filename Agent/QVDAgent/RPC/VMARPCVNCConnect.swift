import QVDCore

/// The answers to `GET /vma/vnc_connect`, upstream's "QVD Spy" entry (`upstream-vma.md`
/// §1.7, VMA.pm 806-859; transcript S33–S35):
///
/// 1. without exactly `Connection: Upgrade` and `Upgrade: VNC`: `426 Upgrade Required`
///    (connection kept open);
/// 2. otherwise the interim `102 Processing` with only `X-QVD-VMA-Info: Starting VNC
///    service`, then, unless the session is `connected` or `suspended`,
///    `503 Service Unavailable`, `text/plain`, body
///    `Unable to start VNC service while session is in state <state>\n` (kept open).
///
/// **Not in this build:** upstream then answers `101 Switching Protocols` and execs
/// `x11vnc -inetd` on the socket as the session's user. We do not run x11vnc: in the
/// states where upstream would, we answer `503` with `VNC is not available in this build\n`,
/// so an admin's spy tool gets a clear refusal instead of a hung or half-open stream.
public enum VMARPCVNCConnect {
    /// The interim head sent before the state is checked.
    public static let interimHead = HTTPResponseHead(
        status: .processing,
        headers: HTTPHeaders([(name: "X-QVD-VMA-Info", value: "Starting VNC service")])
    )

    /// The states in which upstream would start x11vnc.
    public static let spyableStates: Set<String> = ["connected", "suspended"]

    /// The answer without the upgrade headers.
    public static var upgradeRequired: HTTPErrorResponse {
        HTTPErrorResponse(status: .upgradeRequired)
    }

    /// The final answer after the interim `102`, for the reported session `state`.
    public static func finalResponse(forState state: String) -> HTTPErrorResponse {
        if spyableStates.contains(state) {
            return HTTPErrorResponse(status: .serviceUnavailable, message: "VNC is not available in this build\n")
        }
        return HTTPErrorResponse(
            status: .serviceUnavailable,
            message: "Unable to start VNC service while session is in state \(state)\n"
        )
    }
}
