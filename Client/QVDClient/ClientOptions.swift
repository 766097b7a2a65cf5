/// The values given on the command line, before configuration files and environment are
/// merged in (`ClientSettings.resolve`). `nil` means "not given". Mirrors upstream's C
/// `qvdclient` flags (`upstream-l7r-protocol.md` §8.1) plus our long forms.
public struct ClientOptions: Sendable, Hashable {
    public var host: String?
    public var port: Int?
    public var login: String?
    /// From `-w` (visible in `ps`: a warning is printed) or `--password-stdin`.
    public var password: String?
    public var bearer: String?
    public var geometry: String?
    public var fullscreen: Bool = false
    public var list: Bool = false
    public var json: Bool = false
    public var firstVM: Bool = false
    public var noCertificateCheck: Bool = false
    /// `-x`: NX options for the local nxproxy, `nx/nx,key=value,…` or `key=value,…`.
    public var nxOptions: String?
    public var keyboard: String?
    public var certificateFile: String?
    public var keyFile: String?
    public var restart: Bool = false
    public var vmID: String?
    public var debug: Bool = false
    /// `--pin sha256:<hex>`, repeatable.
    public var pins: [String] = []
    /// `--config FILE`: read instead of `~/.qvd/client.conf` (upstream's `QVDCLIENTCONFIG`).
    public var configFile: String?
    /// `--trust`: show the server's certificate and save it to the pin store.
    public var trust: Bool = false

    public init() {}
}
