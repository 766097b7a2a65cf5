import Foundation
import Testing
@testable import QVDClient

@Suite struct CertificateTests {
    @Test func fingerprintForms() throws {
        let fp = CertificateFingerprint(derCertificate: Array("abc".utf8))
        // SHA-256("abc")
        #expect(fp.pinForm == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(fp.openSSLForm.hasPrefix("BA:78:16:BF:"))
        #expect(CertificateFingerprint(pin: fp.pinForm) == fp)
        #expect(CertificateFingerprint(pin: "SHA256:" + fp.openSSLForm) == fp)
        #expect(CertificateFingerprint(hex: fp.openSSLForm) == fp)
        #expect(CertificateFingerprint(pin: "sha256:abcd") == nil)
        #expect(CertificateFingerprint(pin: "sha1:" + String(repeating: "0", count: 64)) == nil)
    }

    @Test func pinStoreReadsUpstreamFormatAndWritesPrivately() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let upstream = """
            {
               "sha256$D2:35:5E:9B:40:18:27:2E:96:D6:7A:B0:A0:55:E1:F8:F4:36:32:BA:81:0F:1A:79:E3:7D:63:8F:C8:2C:AB:F4" : {
                  "algo" : "sha256",
                  "errors" : [ "18", "1001" ],
                  "description" : { "cn" : "qvd-oracle.test", "o" : "QVD oracle", "c" : "ES" },
                  "fingerprint" : "D2:35:5E:9B:40:18:27:2E:96:D6:7A:B0:A0:55:E1:F8:F4:36:32:BA:81:0F:1A:79:E3:7D:63:8F:C8:2C:AB:F4"
               }
            }
            """
        let path = try dir.write(upstream, to: ".qvd/accepted_certs.json")
        var store = try CertificatePinStore(path: path)
        let oracle = try #require(CertificateFingerprint(hex: "D2:35:5E:9B:40:18:27:2E:96:D6:7A:B0:A0:55:E1:F8:F4:36:32:BA:81:0F:1A:79:E3:7D:63:8F:C8:2C:AB:F4"))
        #expect(store.fingerprints == [oracle])
        let added = CertificateFingerprint(derCertificate: [1, 2, 3])
        store.add(added, commonName: "localhost")
        try store.save()

        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let reread = try CertificatePinStore(path: path)
        #expect(Set(reread.fingerprints) == [oracle, added])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let entry = try #require(json["sha256$" + added.openSSLForm] as? [String: Any])
        #expect(entry["algo"] as? String == "sha256")
        #expect(entry["fingerprint"] as? String == added.openSSLForm)
        #expect((entry["description"] as? [String: Any])?["cn"] as? String == "localhost")
        #expect(entry["errors"] as? [String] == ["18", "1001"])
        // The upstream entry is kept as it was.
        let kept = try #require(json["sha256$" + oracle.openSSLForm] as? [String: Any])
        #expect((kept["description"] as? [String: Any])?["o"] as? String == "QVD oracle")
    }

    @Test func brokenPinStoreIsAnError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try dir.write("[1,2]", to: "accepted_certs.json")
        #expect(throws: CertificatePinStoreError.self) { try CertificatePinStore(path: path) }
    }
}
