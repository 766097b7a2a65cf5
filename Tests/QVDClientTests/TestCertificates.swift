import Foundation
import NIOSSL
import QVDCore

/// Certificates made with `openssl` in a temporary directory: a CA, a leaf it signed
/// (`CN=localhost`), and self-signed ones, for the certificate tests.
struct TestCertificates {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    func openssl(_ arguments: [String]) async throws {
        let result = try await ChildProcess.run(ChildProcessConfiguration(
            executable: "/usr/bin/openssl", arguments: arguments, workingDirectory: directory.path,
            standardOutput: .discard, standardError: .collect(limit: 8_192)), timeout: .seconds(60))
        guard result.succeeded else { throw FakeL7RError(text: "openssl \(arguments.first ?? "") failed: \(result)") }
    }

    /// `<name>.pem` and `<name>.key`, self-signed, valid for `days`.
    @discardableResult
    func selfSigned(_ name: String, subject: String, days: Int = 1) async throws -> String {
        try await openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-days", String(days),
                           "-keyout", name + ".key", "-out", name + ".pem"])
        return directory.path + "/" + name + ".pem"
    }

    /// `<name>.pem` and `<name>.key`, signed by the CA `<ca>.pem`/`<ca>.key`.
    @discardableResult
    func signed(_ name: String, subject: String, by ca: String, days: Int = 1) async throws -> String {
        try await openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", name + ".key", "-out", name + ".csr"])
        try await openssl(["x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
                           "-CAcreateserial", "-days", String(days), "-out", name + ".pem"])
        return directory.path + "/" + name + ".pem"
    }

    func path(_ file: String) -> String { directory.path + "/" + file }

    func certificate(_ name: String) throws -> NIOSSLCertificate {
        try unwrap(try NIOSSLCertificate.fromPEMFile(path(name + ".pem")).first)
    }

    func remove() { directory.remove() }
}
