import Foundation
import NIOSSL
import Testing
@testable import QVDClient

/// The certificate details shown before trusting a server: subject, issuer and validity
/// read from real `openssl` certificates, times from hand-made DER.
@Suite struct CertificateDERReaderTests {
    @Test func caSignedLeafAndSelfSigned() async throws {
        let files = try TestCertificates()
        defer { files.remove() }
        try await files.selfSigned("ca", subject: "/C=ES/O=QVD test CA/CN=Test CA", days: 2)
        try await files.signed("leaf", subject: "/C=ES/ST=Madrid/O=QVD test/OU=L7R/CN=localhost", by: "ca")

        let leaf = try files.certificate("leaf")
        let certificate = ServerCertificate(der: try leaf.toDERBytes())
        let fields = try #require(certificate.fields)
        #expect(fields.subject == "C=ES, ST=Madrid, O=QVD test, OU=L7R, CN=localhost")
        #expect(fields.issuer == "C=ES, O=QVD test CA, CN=Test CA")
        #expect(fields.commonName == "localhost")
        #expect(fields.notBefore.secondsSince1970 == Int(leaf.notValidBefore))
        #expect(fields.notAfter.secondsSince1970 == Int(leaf.notValidAfter))
        #expect(fields.notAfter.secondsSince1970 - fields.notBefore.secondsSince1970 == 86_400)
        #expect(certificate.fingerprint == CertificateFingerprint(derCertificate: try leaf.toDERBytes()))

        let lines = certificate.detailLines(now: fields.notBefore.date.addingTimeInterval(60))
        #expect(lines == [
            "  subject:     C=ES, ST=Madrid, O=QVD test, OU=L7R, CN=localhost",
            "  issuer:      C=ES, O=QVD test CA, CN=Test CA",
            "  valid:       \(fields.notBefore) to \(fields.notAfter)",
            "  fingerprint: \(certificate.fingerprint)",
        ])
        #expect(certificate.detailLines(now: fields.notAfter.date.addingTimeInterval(1))[2].hasSuffix(" (EXPIRED)"))
        #expect(certificate.detailLines(now: fields.notBefore.date.addingTimeInterval(-1))[2].hasSuffix(" (NOT YET VALID)"))

        let ca = ServerCertificate(der: try files.certificate("ca").toDERBytes())
        #expect(ca.detailLines()[1] == "  issuer:      C=ES, O=QVD test CA, CN=Test CA (self-signed)")
    }

    @Test func timesAndBadInput() throws {
        let utc = Array([0x17, 13] + Array("261127010203Z".utf8))
        let time = try CertificateDERReader.time(utc, CertificateDERReader.Element(tag: 0x17, contentStart: 2, end: 15))
        #expect(time.description == "2026-11-27 01:02:03 UTC")
        #expect(time.secondsSince1970 == 1_795_741_323)
        let old = Array([0x17, 13] + Array("991231235959Z".utf8))
        #expect(try CertificateDERReader.time(old, CertificateDERReader.Element(tag: 0x17, contentStart: 2, end: 15)).secondsSince1970 == 946_684_799)
        let generalized = Array([0x18, 15] + Array("20500101000000Z".utf8))
        #expect(try CertificateDERReader.time(generalized, CertificateDERReader.Element(tag: 0x18, contentStart: 2, end: 17)).secondsSince1970 == 2_524_608_000)

        #expect(throws: CertificateDERError.self) { try CertificateDERReader.read([0x30, 0x05, 0x30]) }
        #expect(throws: CertificateDERError.self) { try CertificateDERReader.read(Array("not a certificate".utf8)) }
        let garbage = ServerCertificate(der: [1, 2, 3])
        #expect(garbage.fields == nil)
        #expect(garbage.detailLines().last == "  fingerprint: \(CertificateFingerprint(derCertificate: [1, 2, 3]))")
        #expect(garbage.detailLines().first?.hasPrefix("  (the certificate cannot be read: ") == true)
        #expect(CertificateDERReader.attributeName([0x55, 0x04, 0x03]) == "CN")
        #expect(CertificateDERReader.attributeName([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01]) == "emailAddress")
        #expect(CertificateDERReader.attributeName([0x55, 0x04, 0x2A]) == "2.5.4.42")
        #expect(CertificateDERReader.string(tag: 0x1E, [0x00, 0x51, 0x00, 0x56, 0x00, 0x44]) == "QVD")
    }
}
