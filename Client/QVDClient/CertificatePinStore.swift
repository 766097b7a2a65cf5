import QVDCore
import Foundation

/// The user's permanently accepted certificates, `~/.qvd/accepted_certs.json`, in
/// upstream's Perl client format (`upstream-l7r-protocol.md` §1.2,
/// `upstream-clients-observed.md` §5.5):
///
/// ```
/// { "sha256$D2:35:…:F4" : { "algo" : "sha256", "fingerprint" : "D2:35:…:F4",
///     "description" : { "cn" : "…" }, "errors" : [ "18" ] } }
/// ```
///
/// We trust an entry by its fingerprint alone (upstream also compares the list of
/// accepted OpenSSL errors, which swift-nio-ssl does not report). Entries we do not
/// understand are kept as they are when we write the file back; the file is 0600.
public struct CertificatePinStore {
    public let path: String
    private var document: [String: Any]

    /// Reads the store; a missing file is an empty store.
    public init(path: String) throws(CertificatePinStoreError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            document = [:]
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CertificatePinStoreError(path: path, problem: "cannot be read")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let dictionary = object as? [String: Any] else {
            throw CertificatePinStoreError(path: path, problem: "is not a JSON object as upstream writes it")
        }
        document = dictionary
    }

    /// The SHA-256 fingerprints stored.
    public var fingerprints: [CertificateFingerprint] {
        document.keys.sorted().compactMap { key in
            guard key.hasPrefix("sha256$") else { return nil }
            return CertificateFingerprint(hex: String(key.dropFirst("sha256$".count)))
        }
    }

    public func contains(_ fingerprint: CertificateFingerprint) -> Bool {
        fingerprints.contains(fingerprint)
    }

    /// The stored fingerprints whose entry names `commonName` (`description.cn`) but
    /// which are not `fingerprint`: the server's certificate changed since the user
    /// accepted one for that name.
    public func otherFingerprints(commonName: String?, than fingerprint: CertificateFingerprint) -> [CertificateFingerprint] {
        guard let commonName else { return [] }
        return document.keys.sorted().compactMap { key in
            guard key.hasPrefix("sha256$"), let stored = CertificateFingerprint(hex: String(key.dropFirst("sha256$".count))),
                  stored != fingerprint,
                  let entry = document[key] as? [String: Any],
                  let description = entry["description"] as? [String: Any],
                  description["cn"] as? String == commonName else { return nil }
            return stored
        }
    }

    /// Adds (or replaces) an entry; `commonName` becomes the description's `cn`.
    public mutating func add(_ fingerprint: CertificateFingerprint, commonName: String?) {
        var description: [String: Any] = [:]
        if let commonName { description["cn"] = commonName }
        document["sha256$" + fingerprint.openSSLForm] = [
            "algo": "sha256",
            "fingerprint": fingerprint.openSSLForm,
            "description": description,
            // 18 = self-signed, 1001 = host name mismatch: what upstream records for the
            // usual L7R certificate, so upstream's client accepts the entry too.
            "errors": ["18", "1001"],
        ] as [String: Any]
    }

    /// Writes the store, pretty-printed, mode 0600, creating `~/.qvd` (0700) if needed.
    public func save() throws(CertificatePinStoreError) {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
            try AtomicFile.write(Array(data), to: path, mode: 0o600)
        } catch {
            throw CertificatePinStoreError(path: path, problem: "cannot be written: \(error)")
        }
    }
}

extension CertificatePinStore: @unchecked Sendable {}

/// The pin store could not be read or written.
public struct CertificatePinStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var problem: String
    public var description: String { "certificate pin store \(path) \(problem)" }
}
