import Testing
@testable import QVDAgent

struct AccountNameTests {
    @Test(arguments: ["qvd", "qvduser", "a", "_x", "john.doe", "user-1", "User_2", "1abc", "host$", String(repeating: "a", count: 32)])
    func acceptsSafeNames(_ name: String) {
        #expect(AccountName.problem(with: name) == nil)
    }

    @Test func refusesUnsafeNamesWithTheReason() {
        #expect(AccountName.problem(with: "") == .empty)
        #expect(AccountName.problem(with: String(repeating: "a", count: 33)) == .tooLong(33))
        #expect(AccountName.problem(with: "-rf") == .leadingCharacter("-"))
        #expect(AccountName.problem(with: ".hidden") == .leadingCharacter("."))
        #expect(AccountName.problem(with: "a/b") == .forbiddenCharacter("/"))
        #expect(AccountName.problem(with: "a:b") == .forbiddenCharacter(":"))
        #expect(AccountName.problem(with: "a b") == .forbiddenCharacter(" "))
        #expect(AccountName.problem(with: "a,b") == .forbiddenCharacter(","))
        #expect(AccountName.problem(with: "a\nb") == .forbiddenCharacter("\n"))
        #expect(AccountName.problem(with: "josé") == .forbiddenCharacter("é"))
        #expect(AccountName.problem(with: "a$b") == .forbiddenCharacter("$"))
        #expect(AccountName.problem(with: "$") == .forbiddenCharacter("$"))
        #expect(AccountName.problem(with: "1234") == .allDigits)
        #expect(AccountName.problem(with: "1234$") == .allDigits)
    }

    @Test func problemDescriptionsNameTheCharacter() {
        #expect(AccountName.Problem.leadingCharacter("-").description == "it starts with \"-\"")
        #expect(AccountName.Problem.tooLong(40).description == "it is 40 characters long (at most 32)")
        #expect(AccountName.Problem.forbiddenCharacter("\n").description == "it contains \"\\n\"")
    }
}
