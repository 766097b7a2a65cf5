import Testing
@testable import QVDCore

@Suite struct UserAccountTests {
    @Test func looksUpRootWithItsGroups() throws {
        let root = try UserAccount.lookup(name: "root")
        #expect(root.userID == 0)
        #expect(root.groupID == 0)
        #expect(root.homeDirectory == "/root")
        #expect(root.groups.first == 0)
        #expect(root.credentials == ChildProcessCredentials(userID: 0, groupID: 0, supplementaryGroups: root.groups))
    }

    @Test func looksUpNobody() throws {
        let nobody = try UserAccount.lookup(name: "nobody")
        #expect(nobody.userID == 65534)
        #expect(nobody.groupID == 65534)
        #expect(nobody.groups == [65534])
    }

    @Test func unknownUserIsATypedError() {
        #expect(throws: UserAccount.LookupError(userName: "qvd-no-such-user", errno: nil)) {
            try UserAccount.lookup(name: "qvd-no-such-user")
        }
        let error = UserAccount.LookupError(userName: "qvd-no-such-user", errno: nil)
        #expect(error.description == "no such user 'qvd-no-such-user' in the user database")
    }
}
