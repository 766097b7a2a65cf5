import Foundation

/// What the user answered about a certificate nobody vouches for.
public enum CertificateTrustDecision: String, Sendable, Hashable, CaseIterable {
    /// Use it for this run only.
    case once
    /// Use it and save its fingerprint to `~/.qvd/accepted_certs.json`.
    case always
    /// Refuse it.
    case no
}

/// Shows a server certificate and asks whether to trust it, on a terminal: during a
/// normal connect (`L7RConnector`) and for `qvdclient --trust` (`CertificateTrustSession`).
/// Upstream's Perl GUI asks the same question with its "accept once / accept permanently
/// / cancel" dialog (`upstream-l7r-protocol.md` §1.2).
public enum CertificateTrustPrompt {
    public static let question = "Trust this certificate? [once/always/no] "

    /// Prints `headline` and (unless already shown) the certificate's details, then asks;
    /// an answer that is not understood is asked again (three times at most), and end of
    /// input means no.
    public static func ask(console: any ClientConsole, headline: String, certificate: ServerCertificate,
                           showingDetails: Bool = true) -> CertificateTrustDecision
    {
        console.status(headline)
        if showingDetails { certificate.detailLines().forEach(console.status) }
        for _ in 0..<3 {
            guard let answer = console.ask(question) else { return .no }
            if let decision = parse(answer) { return decision }
            console.status("Please answer once, always or no.")
        }
        return .no
    }

    /// `once`/`o`, `always`/`a`, `no`/`n` or an empty line (no), in any case; nil otherwise.
    public static func parse(_ answer: String) -> CertificateTrustDecision? {
        switch answer.trimmingCharacters(in: .whitespaces).lowercased() {
        case "once", "o": .once
        case "always", "a": .always
        case "no", "n", "": .no
        default: nil
        }
    }
}
