import QVDCore
import Testing
@testable import QVDSlave

@Suite struct SlaveUpgradeTests {
    func parse(_ connection: String?, _ upgrade: String?) -> Result<SlaveUpgrade, SlaveRefusal> {
        var headers = HTTPHeaders()
        if let connection { headers.add(name: "Connection", value: connection) }
        if let upgrade { headers.add(name: "Upgrade", value: upgrade) }
        return SlaveUpgrade.parse(headers)
    }

    @Test func acceptsUpstreamsForms() throws {
        #expect(try parse("Upgrade", "qvd:sftp/1.0").get() == SlaveUpgrade())
        #expect(try parse("keep-alive, Upgrade", "qvd:sftp/1.0").get() == SlaveUpgrade())
        let windows = try parse("Upgrade", "qvd:sftp/1.0;charset=utf-8").get()
        #expect(windows.charset == "utf-8")
        #expect(!windows.needsConversion)
        let latin = try parse("Upgrade", "qvd:sftp/1.0;charset=ISO-8859-1").get()
        #expect(latin.charset == "ISO-8859-1")
        #expect(latin.needsConversion)
    }

    @Test(arguments: [
        (String?.none, String?.some("qvd:sftp/1.0")),
        ("close", "qvd:sftp/1.0"),
        ("Upgrade", nil),
        ("Upgrade", "qvd:usbip/1.0"),
        ("Upgrade", "xqvd:sftp/1.0x"),
        ("Upgrade", "qvd:sftp/1.0;charset=utf-8,modules=subdir"),
        ("Upgrade", "qvd:sftp/1.0;charset="),
        ("Upgrade", "qvd:sftp/1.0;mode=rw"),
    ])
    func refusesEverythingElseWith400(connection: String?, upgrade: String?) {
        guard case .failure(let refusal) = parse(connection, upgrade) else {
            Issue.record("accepted \(String(describing: upgrade))")
            return
        }
        #expect(refusal.status == 400)
    }
}
