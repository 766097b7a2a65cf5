import QVDCore

/// Which file `POST /open/<path>` with `X-QVD-Share-Ticket: <name>` may open: only one
/// inside that share's mount directory.
///
/// Upstream concatenated `~/Redirected/<ticket>/<path>` without normalising, so `..` in
/// either reached any file of the user, and xdg-open may run what it opens
/// (`upstream-slave-channel.md` §6 item 6). Here the ticket must be a plain share name of
/// an existing share, the path may not contain `..`, and the canonical result (links
/// followed) must still be inside the share's canonical directory.
public struct OpenPolicy: Sendable {
    public var shares: SharesDirectory

    public init(shares: SharesDirectory) {
        self.shares = shares
    }

    /// The canonical file to open, or the refusal: `403` for a bad ticket, a `..` or an
    /// escape through a link; `404` for an unknown share or a missing file.
    public func resolve(ticket: String?, path: String) -> Result<String, SlaveRefusal> {
        guard let ticket else {
            return .failure(SlaveRefusal(status: .badRequest, message: "X-QVD-Share-Ticket is missing.\n"))
        }
        guard let name = ShareName(validating: ticket) else {
            return .failure(SlaveRefusal(status: .forbidden, message: "Not a share ticket.\n"))
        }
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.contains("..") else {
            return .failure(SlaveRefusal(status: .forbidden, message: "Paths with .. are not opened.\n"))
        }
        guard !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return .failure(SlaveRefusal(status: .forbidden, message: "Paths with control characters are not opened.\n"))
        }
        let shareDirectory = shares.directory(of: name)
        guard shares.state(of: name) != nil, let root = ResolvedPath.canonical(shareDirectory) else {
            return .failure(SlaveRefusal(status: .notFound, message: "No share \(ExportPolicy.printable(name.value)).\n"))
        }
        let relative = components.filter { $0 != "." }.joined(separator: "/")
        let full = relative.isEmpty ? shareDirectory : shareDirectory + "/" + relative
        guard let resolved = ResolvedPath.canonical(full) else {
            return .failure(SlaveRefusal(status: .notFound, message: "File not found.\n"))
        }
        guard ResolvedPath.isInside(resolved, root: root) else {
            return .failure(SlaveRefusal(status: .forbidden, message: "The file is outside the share.\n"))
        }
        return .success(resolved)
    }
}
