import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import QVDCore

/// Opens the TLS connection to the L7R and decides whether to trust it
/// (`upstream-l7r-protocol.md` §1, spec README "Where this project deliberately differs" 5):
///
/// 1. TLS 1.2 or later, no ALPN, the host name checked, trust anchors the system CAs plus
///    the PEM files in `~/.qvd/certs`.
/// 2. If that fails on the certificate, a second handshake accepts the server only if its
///    SHA-256 fingerprint is in `~/.qvd/accepted_certs.json` or given with `--pin`
///    (a `--pin` that matched is saved to the store).
/// 3. Otherwise: on a terminal, show the fingerprint and ask (once / always / no); not on
///    a terminal, refuse, naming the fingerprint and the `--pin` option that accepts it.
///
/// `-n` skips all checks, with a warning. No HTTP is sent before the decision.
public struct L7RConnector: Sendable {
    public var settings: ClientSettings
    public var console: any ClientConsole
    public var group: any EventLoopGroup

    public init(settings: ClientSettings, console: any ClientConsole, group: any EventLoopGroup) {
        self.settings = settings
        self.console = console
        self.group = group
    }

    var pinStorePath: String { settings.userDirectory + "/accepted_certs.json" }

    /// A connected, trusted channel.
    public func connect() async throws(ClientError) -> L7RChannel {
        if !settings.verifyCertificates {
            console.status("warning: -n given: the server's certificate is not checked; anyone on the path can read your password")
            return try await open(verification: .none)
        }
        do throws(ClientError) {
            return try await open(verification: .standard)
        } catch let error where error.code == .tls {
            // Not trusted by a CA, or not for this name (the TLS error does not always say
            // which): the pin stage tells, since it records the certificate it saw.
        }
        var store: CertificatePinStore
        do throws(CertificatePinStoreError) {
            store = try CertificatePinStore(path: pinStorePath)
        } catch {
            throw ClientError(.untrustedCertificate, phase: .tlsHandshake, "\(error)", hint: "fix or remove the file")
        }
        var pins = Set(store.fingerprints + settings.pins)
        let recorder = PeerCertificateRecorder()
        do throws(ClientError) {
            let channel = try await open(verification: .pinned(pins, recorder))
            if let seen = recorder.recorded, settings.pins.contains(seen.fingerprint), !store.contains(seen.fingerprint) {
                store.add(seen.fingerprint, commonName: seen.commonName)
                try? store.save()
            }
            return channel
        } catch let error where error.code == .untrustedCertificate {
            guard let seen = recorder.recorded else { throw error }
            let accepted = store.otherFingerprints(commonName: seen.commonName, than: seen.fingerprint)
            let refusal = accepted.isEmpty ? error : Self.changedCertificate(
                host: settings.host, seen: seen.fingerprint, commonName: seen.commonName, accepted: accepted)
            guard console.isInteractive else { throw refusal }
            if !accepted.isEmpty { console.status("warning: \(refusal.message)") }
            let answer = CertificateTrustPrompt.ask(
                console: console,
                headline: "The server \(settings.host):\(settings.port) presents a certificate that no trusted CA vouches for (for this name) and that is not pinned:",
                certificate: seen)
            guard answer != .no else { throw error }
            pins.insert(seen.fingerprint)
            let channel = try await open(verification: .pinned(pins, PeerCertificateRecorder()))
            if answer == .always {
                store.add(seen.fingerprint, commonName: seen.commonName)
                try? store.save()
            }
            return channel
        }
    }

    enum Verification: Sendable {
        case none
        case standard
        case pinned(Set<CertificateFingerprint>, PeerCertificateRecorder)
    }

    func tlsConfiguration(verification: Verification) throws(ClientError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.applicationProtocols = []
        switch verification {
        case .none: tls.certificateVerification = .none
        case .standard: tls.certificateVerification = .fullVerification
        // A pin names this exact certificate: its names do not matter (upstream also
        // stores the host-name error 1001 as accepted, `upstream-clients-observed.md` §5.5).
        case .pinned: tls.certificateVerification = .noHostnameVerification
        }
        let personal = personalCertificates()
        if !personal.isEmpty { tls.additionalTrustRoots = [.certificates(personal)] }
        if let (certificate, key) = settings.clientCertificate {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            } catch {
                throw ClientError(.tls, phase: .tlsHandshake, "cannot load the client certificate \(certificate) / key \(key): \(error)")
            }
        }
        return tls
    }

    /// `~/.qvd/certs/*`: every file that holds PEM certificates (upstream names them by
    /// subject hash, `<hash>.0`).
    func personalCertificates() -> [NIOSSLCertificate] {
        let directory = settings.userDirectory + "/certs"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.sorted().flatMap { name in
            (try? NIOSSLCertificate.fromPEMFile(directory + "/" + name)) ?? []
        }
    }

    func open(verification: Verification) async throws(ClientError) -> L7RChannel {
        let tls = try tlsConfiguration(verification: verification)
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw ClientError(.tls, phase: .tlsHandshake, "cannot set up TLS: \(error)")
        }
        let host = settings.host
        // SNI carries names only; for an IP literal the address itself is checked.
        let serverName: String? = Self.isIPAddress(host) ? nil : host
        let handshake = group.next().makePromise(of: Void.self)
        let channel: L7RChannel
        do {
            channel = try await ClientBootstrap(group: group)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.seconds(20))
                .connect(host: host, port: settings.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler: NIOSSLClientHandler
                        if case .pinned(let pins, let recorder) = verification {
                            handler = try NIOSSLClientHandler(context: context, serverHostname: serverName) { chain, promise in
                                guard let leaf = chain.first, let der = try? leaf.toDERBytes() else {
                                    promise.succeed(.failed)
                                    return
                                }
                                let certificate = ServerCertificate(der: der)
                                recorder.record(certificate)
                                promise.succeed(pins.contains(certificate.fingerprint) ? .certificateVerified : .failed)
                            }
                        } else {
                            handler = try NIOSSLClientHandler(context: context, serverHostname: serverName)
                        }
                        let sync = channel.pipeline.syncOperations
                        try sync.addHandler(handler)
                        try sync.addHandler(TLSHandshakeWaiter(handshake: handshake))
                        try sync.addHandler(HTTPClientHeadHandler(upgradeDelivery: .inline))
                        return try L7RChannel(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            handshake.fail(ChannelError.eof)
            throw ClientError(.network, phase: .connecting, "cannot reach \(host):\(settings.port): \(ConnectFailureReason.describe(error))",
                              hint: "check the host name and port, and that the server runs")
        }
        do {
            try await handshake.futureResult.get()
            return channel
        } catch {
            await channel.closeUnused()
            // Only a certificate that was not pinned is a trust failure; after an accepted
            // one, the handshake failed for another reason (e.g. our client certificate).
            if case .pinned(let pins, let recorder) = verification, let seen = recorder.recorded,
               !pins.contains(seen.fingerprint) {
                throw ClientError(
                    .untrustedCertificate, phase: .tlsHandshake,
                    "the certificate of \(host) (CN \(seen.commonName ?? "none"), \(seen.fingerprint)) is not signed by a trusted CA nor pinned",
                    hint: Self.trustHint(host: host, port: settings.port, fingerprint: seen.fingerprint))
            }
            throw ClientError(.tls, phase: .tlsHandshake, "TLS with \(host):\(settings.port) failed: \(error)")
        }
    }

    /// The refusal when the pin store holds another certificate for the same name (CN):
    /// the server's certificate was replaced, or someone is in the middle.
    static func changedCertificate(host: String, seen: CertificateFingerprint, commonName: String?,
                                   accepted: [CertificateFingerprint]) -> ClientError {
        ClientError(
            .certificateChanged, phase: .tlsHandshake,
            "the certificate of \(host) changed: it is now \(seen) (CN \(commonName ?? "none")), but you accepted \(accepted.map(\.description).joined(separator: ", ")) for that name",
            hint: "the connection may be intercepted; if the administrator confirms the new fingerprint, run again with --pin \(seen.pinForm)")
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

extension L7RConnector {
    /// How to accept a refused certificate: for this run (`--pin`), or for good after
    /// looking at it (`qvdclient --trust`).
    public static func trustHint(host: String, port: Int, fingerprint: CertificateFingerprint) -> String {
        "if you trust it, run again with --pin \(fingerprint.pinForm), or save it with: "
            + "qvdclient --trust -h \(host) -p \(port) --pin \(fingerprint.pinForm)"
    }
}
