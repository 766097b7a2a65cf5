import NIOCore

/// `qvdclient --trust -h HOST [-p PORT] [--pin sha256:…]`: connects, shows the server's
/// certificate (subject, issuer, validity, SHA-256 fingerprint) and whether it is already
/// trusted, then pins it in `~/.qvd/accepted_certs.json` (upstream's format,
/// `CertificatePinStore`):
///
/// * with `--pin`: saved if the fingerprint matches, refused otherwise — the way to
///   accept a certificate from a script, after checking the fingerprint out of band;
/// * on a terminal: asks once / always / no (only `always` saves);
/// * otherwise: refuses, printing the `--pin` that would accept it.
///
/// No HTTP is sent, so no password is needed.
public struct CertificateTrustSession: Sendable {
    public var settings: ClientSettings
    public var console: any ClientConsole
    public var group: any EventLoopGroup

    public init(settings: ClientSettings, console: any ClientConsole, group: any EventLoopGroup) {
        self.settings = settings
        self.console = console
        self.group = group
    }

    /// How `--trust` ended (every refusal is a thrown `ClientError`).
    public enum Outcome: Sendable, Hashable {
        /// Signed by a CA the client trusts, for this host name: nothing to pin.
        case trustedByCA
        /// Already in the pin store.
        case alreadyPinned
        /// Saved to the pin store.
        case pinned
        /// Accepted for this run only (answer `once`): nothing saved.
        case acceptedOnce
    }

    public func run() async throws(ClientError) -> Outcome {
        let connector = L7RConnector(settings: settings, console: console, group: group)
        let certificate = try await fetchCertificate(connector)
        let trustedByCA: Bool
        do throws(ClientError) {
            let channel = try await connector.open(verification: .standard)
            await channel.closeUnused()
            trustedByCA = true
        } catch {
            trustedByCA = false
        }
        var store: CertificatePinStore
        do throws(CertificatePinStoreError) {
            store = try CertificatePinStore(path: connector.pinStorePath)
        } catch {
            throw ClientError(.untrustedCertificate, phase: .tlsHandshake, "\(error)", hint: "fix or remove the file")
        }
        let pinned = store.contains(certificate.fingerprint)

        console.status("Certificate of \(settings.host):\(settings.port):")
        certificate.detailLines().forEach(console.status)
        if trustedByCA {
            console.status("It is signed by a CA this client trusts, for the name \(settings.host): no pin is needed.")
        } else if pinned {
            console.status("It is already pinned in \(connector.pinStorePath).")
        }

        if !settings.pins.isEmpty {
            guard settings.pins.contains(certificate.fingerprint) else {
                throw ClientError(
                    .untrustedCertificate, phase: .tlsHandshake,
                    "\(settings.host) presents the certificate \(certificate.fingerprint.pinForm), not the one given with --pin (\(settings.pins.map(\.pinForm).joined(separator: ", ")))",
                    hint: "check the fingerprint with the server's administrator: the connection may be intercepted")
            }
            if pinned { return .alreadyPinned }
            try save(certificate, in: &store)
            return .pinned
        }
        if trustedByCA { return .trustedByCA }
        if pinned { return .alreadyPinned }
        guard console.isInteractive else {
            throw ClientError(
                .untrustedCertificate, phase: .tlsHandshake,
                "the certificate of \(settings.host) (\(certificate.fingerprint)) is not trusted and was not saved: not on a terminal, so nobody could be asked",
                hint: "compare the fingerprint with the one your administrator gives, then run: "
                    + "qvdclient --trust -h \(settings.host) -p \(settings.port) --pin \(certificate.fingerprint.pinForm)")
        }
        switch CertificateTrustPrompt.ask(console: console, headline: "It is not trusted yet.", certificate: certificate,
                                           showingDetails: false) {
        case .always:
            try save(certificate, in: &store)
            return .pinned
        case .once:
            console.status("Accepted for this run only: nothing saved.")
            return .acceptedOnce
        case .no:
            throw ClientError(.untrustedCertificate, phase: .tlsHandshake,
                              "the certificate of \(settings.host) (\(certificate.fingerprint)) was not accepted")
        }
    }

    /// The leaf certificate the server presents: a handshake that records it and then
    /// refuses it (nothing is pinned), so no byte of HTTP is sent.
    func fetchCertificate(_ connector: L7RConnector) async throws(ClientError) -> ServerCertificate {
        let recorder = PeerCertificateRecorder()
        do throws(ClientError) {
            let channel = try await connector.open(verification: .pinned([], recorder))
            await channel.closeUnused()
        } catch {
            guard recorder.recorded != nil else { throw error }
        }
        guard let certificate = recorder.recorded else {
            throw ClientError(.tls, phase: .tlsHandshake, "\(settings.host) sent no certificate")
        }
        return certificate
    }

    private func save(_ certificate: ServerCertificate, in store: inout CertificatePinStore) throws(ClientError) {
        store.add(certificate.fingerprint, commonName: certificate.commonName)
        do throws(CertificatePinStoreError) {
            try store.save()
        } catch {
            throw ClientError(.untrustedCertificate, phase: .tlsHandshake, "\(error)", hint: "check the permissions of ~/.qvd")
        }
        console.status("Saved to \(store.path): qvdclient will trust this certificate from now on.")
    }
}
