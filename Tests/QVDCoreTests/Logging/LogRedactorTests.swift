import Logging
import QVDCore
import Testing

@Suite("LogRedactor")
struct LogRedactorTests {
    @Test func secretKeyNamesAndSuffixes() {
        let redactor = LogRedactor.standard
        #expect(redactor.isSecretKey("qvd.slave.key"))
        #expect(redactor.isSecretKey("QVD_SLAVE_KEY"))
        #expect(redactor.isSecretKey("auth_token"))
        #expect(redactor.isSecretKey("password"))
        #expect(redactor.isSecretKey("--password"))
        #expect(redactor.isSecretKey("login.password"))
        #expect(redactor.isSecretKey("QVD_CLIENT_PASSWORD"))
        #expect(!redactor.isSecretKey("passwords_policy"))
        #expect(!redactor.isSecretKey("qvd.vm.user.name"))
        #expect(!redactor.isSecretKey(""))
    }

    @Test func literalSecretsInMessagesLongestFirst() {
        let redactor = LogRedactor(secrets: ["abc", "abcdef", ""])
        #expect(redactor.secrets == ["abcdef", "abc"])
        #expect(redactor.redact("token abcdef then abc then ab") == "token *** then *** then ab")
    }

    @Test func keyValuePairsInFreeText() {
        let redactor = LogRedactor.standard
        #expect(redactor.redact("user=bob password=hunter2 x=1") == "user=bob password=*** x=1")
        #expect(redactor.redact("q?auth_token=T0K&next=1") == "q?auth_token=***&next=1")
        #expect(redactor.redact(#"login.password="two words" done"#) == "login.password=*** done")
        #expect(redactor.redact("mypassword=not-a-secret-key") == "mypassword=not-a-secret-key")
        #expect(redactor.redact("no pairs here") == "no pairs here")
    }

    @Test func metadataByKeyAndByContentRecursively() {
        let redactor = LogRedactor(secrets: ["tok"])
        let result = redactor.redact([
            "password": "pw",
            "nested": .dictionary(["auth_token": "x", "plain": "has tok"]),
            "list": .array(["tok", "ok"]),
        ] as Logger.Metadata)
        #expect(result["password"] == .string("***"))
        #expect(result["nested"] == .dictionary(["auth_token": .string("***"), "plain": .string("has ***")]))
        #expect(result["list"] == .array([.string("***"), .string("ok")]))
    }

    @Test func hookArgvPairs() {
        let redactor = LogRedactor(secrets: ["bearer-xyz"])
        let argv = ["qvd.vm.user.name", "bob", "qvd.slave.key", "K3Y", "note", "bearer-xyz inside", "password"]
        #expect(redactor.redact(argv: argv) == ["qvd.vm.user.name", "bob", "qvd.slave.key", "***", "note", "*** inside", "password"])
    }

    @Test func queryParametersAndEnvironment() {
        let redactor = LogRedactor.standard
        let parameters = redactor.redact(parameters: [("qvd.slave.key", "K"), ("flag", nil), ("user", "bob")])
        #expect(parameters.map(\.key) == ["qvd.slave.key", "flag", "user"])
        #expect(parameters.map(\.value) == ["***", nil, "bob"])
        #expect(redactor.redact(environment: ["QVD_SLAVE_KEY": "K", "HOME": "/root"]) == ["QVD_SLAVE_KEY": "***", "HOME": "/root"])
    }

    @Test func addingSecretsReturnsACopy() {
        let base = LogRedactor.standard
        let more = base.adding(secrets: ["pw1"])
        #expect(base.redact("pw1") == "pw1")
        #expect(more.redact("pw1") == "***")
    }
}
