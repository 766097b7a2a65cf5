import Crypto
import Foundation
import NIOSSL
import QVDCore

/// The server's certificate and key as a NIOSSL context: TLS 1.2 and 1.3, no ALPN protocol
/// (so curl's `h2` offer is declined, spec README "Compatibility hazards").
///
/// With no `l7r.ssl.cert`/`l7r.ssl.key`, a self-signed RSA-2048 pair is created once as
/// `cert.pem`/`key.pem` in the state directory with `openssl req -x509` (no secret on argv:
/// the key is generated unencrypted into a file of mode 0600), and reused after.
public struct L7RTLSMaterial: Sendable {
    public var certificateFile: String
    public var keyFile: String
    public var context: NIOSSLContext
    /// SHA-256 of the certificate's DER bytes, as `AB:CD:…` (what clients pin).
    public var fingerprint: String

    /// Loads the given pair.
    public init(certificateFile: String, keyFile: String) throws(L7RTLSError) {
        let certificates: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw L7RTLSError(path: certificateFile, problem: "cannot read a PEM certificate (\(error))")
        }
        guard let leaf = certificates.first else {
            throw L7RTLSError(path: certificateFile, problem: "holds no certificate")
        }
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw L7RTLSError(path: keyFile, problem: "cannot read a PEM private key (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.maximumTLSVersion = .tlsv13
        configuration.applicationProtocols = []
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw L7RTLSError(path: certificateFile, problem: "certificate and key do not form a TLS context (\(error)); do they match?")
        }
        let der: [UInt8]
        do { der = try leaf.toDERBytes() } catch {
            throw L7RTLSError(path: certificateFile, problem: "cannot encode the certificate (\(error))")
        }
        fingerprint = SHA256.hash(data: der).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: ":")
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// Loads `cert.pem`/`key.pem` from `stateDirectory`, creating them first if absent.
    /// `created` tells whether they were just made.
    public static func selfSigned(in stateDirectory: String) async throws(L7RTLSError) -> (material: L7RTLSMaterial, created: Bool) {
        let cert = stateDirectory + "/cert.pem"
        let key = stateDirectory + "/key.pem"
        let files = FileManager.default
        if files.fileExists(atPath: cert), files.fileExists(atPath: key) {
            return (try L7RTLSMaterial(certificateFile: cert, keyFile: key), false)
        }
        do {
            try files.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true,
                                      attributes: [.posixPermissions: 0o700])
        } catch {
            throw L7RTLSError(path: stateDirectory, problem: "cannot create the state directory (\(error))")
        }
        let result: ChildProcessResult
        do {
            result = try await ChildProcess.run(ChildProcessConfiguration(
                executable: "/usr/bin/openssl",
                arguments: ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "3650",
                            "-subj", "/CN=qvd-l7r-stub", "-keyout", key, "-out", cert],
                standardError: .collect(limit: 4096)), timeout: .seconds(60))
        } catch {
            throw L7RTLSError(path: stateDirectory, problem: "cannot run openssl to create a self-signed certificate (\(error))")
        }
        guard result.succeeded else {
            throw L7RTLSError(path: stateDirectory,
                              problem: "openssl req failed: \(result.standardError?.text ?? "") (\(result.status))")
        }
        chmod(key, 0o600)
        return (try L7RTLSMaterial(certificateFile: cert, keyFile: key), true)
    }
}
