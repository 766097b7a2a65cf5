/// Header names exactly as upstream QVD spells them on the wire.
///
/// Upstream's server looks headers up **case-sensitively** (`QVD::HTTP::Headers`,
/// `upstream-vma.md` §1.2, `upstream-l7r-protocol.md` §2), so a peer talking to a real QVD
/// component must write these spellings; `HTTPHeaders` keeps whatever spelling it is given.
public enum HTTPHeaderName {
    public static let authorization = "Authorization"
    public static let connection = "Connection"
    public static let contentLength = "Content-Length"
    public static let contentType = "Content-Type"
    public static let host = "Host"
    public static let transferEncoding = "Transfer-Encoding"
    public static let upgrade = "Upgrade"
    public static let userAgent = "User-Agent"
    public static let wwwAuthenticate = "WWW-Authenticate"
    /// Progress text of an L7R `102 Processing` (`upstream-l7r-protocol.md` §5.2).
    public static let qvdVMInfo = "X-QVD-VM-Info"
    /// Progress text of a VMA `102 Processing` (`vnc_connect`, `upstream-vma-observed.md` §3).
    public static let qvdVMAInfo = "X-QVD-VMA-Info"
    /// The slave-channel key in the L7R's `101` (`upstream-l7r-protocol.md` §5.3).
    public static let qvdSlaveKey = "X-QVD-Slave-Key"
    /// The mount name in a share's `101` and in `/open` (`upstream-slave-channel.md` §2.2).
    public static let qvdShareTicket = "X-QVD-Share-Ticket"
}
