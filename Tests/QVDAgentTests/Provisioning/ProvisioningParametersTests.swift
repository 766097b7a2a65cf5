import Testing
@testable import QVDAgent

struct ProvisioningParametersTests {
    let configuration = ProvisioningConfiguration()

    @Test func fillsUpstreamDefaultsWhenTheRequestCarriesNothing() throws {
        let parameters = try ProvisioningParameters(parameters: [:], configuration: configuration)
        #expect(parameters.userName == "qvd")
        #expect(parameters.groupName == "qvd")
        #expect(parameters.supplementaryGroups == ["qvduser"])
        #expect(parameters.groupsArgument == "qvduser")
        #expect(parameters.home == "/home/qvd")
        #expect(parameters.homeRoot == "/home")
        #expect(parameters.userID == nil)
        #expect(parameters.groupID == nil)
        #expect(parameters.filledParameters == [
            .init(key: "qvd.vm.user.name", value: "qvd"),
            .init(key: "qvd.vm.user.groups", value: "qvduser"),
            .init(key: "qvd.vm.user.home", value: "/home/qvd"),
        ])
    }

    /// Transcript step S36: a request with only qvd.vm.user.name gets groups and home added.
    @Test func homeFollowsTheRequestedUserAndOnlyMissingKeysAreFilled() throws {
        var custom = self.configuration
        custom.homeRoot = "/srv/qvd-oracle/home/"
        let parameters = try ProvisioningParameters(parameters: ["qvd.vm.user.name": "qvdtest"], configuration: custom)
        #expect(parameters.home == "/srv/qvd-oracle/home/qvdtest")
        #expect(parameters.homeRoot == "/srv/qvd-oracle/home")
        #expect(parameters.filledParameters == [
            .init(key: "qvd.vm.user.groups", value: "qvduser"),
            .init(key: "qvd.vm.user.home", value: "/srv/qvd-oracle/home/qvdtest"),
        ])
    }

    @Test func takesEveryValueFromTheRequest() throws {
        let parameters = try ProvisioningParameters(parameters: [
            "qvd.vm.user.name": "alice",
            "qvd.vm.user.group": "staff2",
            "qvd.vm.user.groups": " audio , video,\t100 ",
            "qvd.vm.user.home": "/home/users/alice",
            "qvd.vm.user.uid": "2001",
            "qvd.vm.user.gid": "3001",
        ], configuration: configuration)
        #expect(parameters.userName == "alice")
        #expect(parameters.groupName == "staff2")
        #expect(parameters.supplementaryGroups == ["audio", "video", "100"])
        #expect(parameters.groupsArgument == "audio,video,100")
        #expect(parameters.home == "/home/users/alice")
        #expect(parameters.userID == 2001)
        #expect(parameters.groupID == 3001)
        #expect(parameters.filledParameters == [])
    }

    @Test func configuredDefaultsAreUsedAndWhitespaceRemovedFromGroups() throws {
        var custom = self.configuration
        custom.defaultUserName = "desk"
        custom.defaultUserGroups = "a, b ,c"
        let parameters = try ProvisioningParameters(parameters: [:], configuration: custom)
        #expect(parameters.supplementaryGroups == ["a", "b", "c"])
        #expect(parameters.filledParameters == [
            .init(key: "qvd.vm.user.name", value: "desk"),
            .init(key: "qvd.vm.user.groups", value: "a,b,c"),
            .init(key: "qvd.vm.user.home", value: "/home/desk"),
        ])
    }

    @Test func emptyGroupsMeanNoSupplementaryGroupsAndEmptyIdsAreAbsent() throws {
        let parameters = try ProvisioningParameters(parameters: [
            "qvd.vm.user.groups": " ", "qvd.vm.user.uid": "", "qvd.vm.user.gid": "",
        ], configuration: configuration)
        #expect(parameters.supplementaryGroups == [])
        #expect(parameters.userID == nil)
        #expect(parameters.groupID == nil)
    }

    @Test func uidZeroIsAcceptedButGidZeroIsNot() throws {
        let parameters = try ProvisioningParameters(parameters: ["qvd.vm.user.uid": "0"], configuration: configuration)
        #expect(parameters.userID == 0)
        #expect(throws: ProvisioningParameterError(key: "qvd.vm.user.gid", value: "0", problem: .invalidID)) {
            try ProvisioningParameters(parameters: ["qvd.vm.user.gid": "0"], configuration: configuration)
        }
    }

    @Test func aHomeRootOfSlashGivesTopLevelHomes() throws {
        var custom = self.configuration
        custom.homeRoot = "/"
        let parameters = try ProvisioningParameters(parameters: ["qvd.vm.user.name": "bob"], configuration: custom)
        #expect(parameters.home == "/bob")
    }

    @Test func rejectsUnsafeUserNamesNamingTheSource() {
        #expect(throws: ProvisioningParameterError(key: "qvd.vm.user.name", value: "-o", problem: .invalidUserName(.leadingCharacter("-")))) {
            try ProvisioningParameters(parameters: ["qvd.vm.user.name": "-o"], configuration: configuration)
        }
        #expect(throws: ProvisioningParameterError(key: "qvd.vm.user.name", value: "../x", problem: .invalidUserName(.leadingCharacter(".")))) {
            try ProvisioningParameters(parameters: ["qvd.vm.user.name": "../x"], configuration: configuration)
        }
        #expect(throws: ProvisioningParameterError(key: "qvd.vm.user.name", value: "a b", problem: .invalidUserName(.forbiddenCharacter(" ")))) {
            try ProvisioningParameters(parameters: ["qvd.vm.user.name": "a b"], configuration: configuration)
        }
        var custom = self.configuration
        custom.defaultUserName = "root:x"
        #expect(throws: ProvisioningParameterError(key: "vma.user.default.name", value: "root:x", problem: .invalidUserName(.forbiddenCharacter(":")))) {
            try ProvisioningParameters(parameters: [:], configuration: custom)
        }
    }

    @Test func rejectsUnsafeGroupsAndGroupLists() {
        #expect(throws: ProvisioningParameterError(key: "qvd.vm.user.group", value: "-g", problem: .invalidGroupName(.leadingCharacter("-")))) {
            try ProvisioningParameters(parameters: ["qvd.vm.user.group": "-g"], configuration: configuration)
        }
        #expect(throws: ProvisioningParameterError(key: "qvd.vm.user.groups", value: "audio,-x", problem: .invalidGroupListItem(item: "-x", .leadingCharacter("-")))) {
            try ProvisioningParameters(parameters: ["qvd.vm.user.groups": "audio,-x"], configuration: configuration)
        }
        #expect(throws: ProvisioningParameterError(key: "qvd.vm.user.groups", value: "audio,,video", problem: .invalidGroupListItem(item: "", .empty))) {
            try ProvisioningParameters(parameters: ["qvd.vm.user.groups": "audio,,video"], configuration: configuration)
        }
        #expect(throws: ProvisioningParameterError(key: "qvd.vm.user.groups", value: "a/b", problem: .invalidGroupListItem(item: "a/b", .forbiddenCharacter("/")))) {
            try ProvisioningParameters(parameters: ["qvd.vm.user.groups": "a/b"], configuration: configuration)
        }
        var custom = self.configuration
        custom.defaultUserGroups = "qvd user:x"
        #expect(throws: ProvisioningParameterError(key: "vma.user.default.groups", value: "qvd user:x", problem: .invalidGroupListItem(item: "qvduser:x", .forbiddenCharacter(":")))) {
            try ProvisioningParameters(parameters: [:], configuration: custom)
        }
    }

    @Test func rejectsBadIds() {
        for bad in ["-1", "12a", "4294967295", "99999999999", "+5", " 7"] {
            #expect(throws: ProvisioningParameterError(key: "qvd.vm.user.uid", value: bad, problem: .invalidID)) {
                try ProvisioningParameters(parameters: ["qvd.vm.user.uid": bad], configuration: configuration)
            }
        }
    }

    @Test func rejectsHomesOutsideTheRootOrNotNormalised() {
        func expectHome(_ home: String, _ problem: ProvisioningParameterError.Problem) {
            #expect(throws: ProvisioningParameterError(key: "qvd.vm.user.home", value: home, problem: problem)) {
                try ProvisioningParameters(parameters: ["qvd.vm.user.home": home], configuration: configuration)
            }
        }
        expectHome("home/qvd", .notAbsolute)
        expectHome("/home/../etc", .notNormalised)
        expectHome("/home/./qvd", .notNormalised)
        expectHome("/home//qvd", .notNormalised)
        expectHome("/home/qvd/", .notNormalised)
        expectHome("/home", .outsideHomeRoot("/home"))
        expectHome("/homeevil/qvd", .outsideHomeRoot("/home"))
        expectHome("/etc", .outsideHomeRoot("/home"))
        expectHome("/home/q:vd", .forbiddenPathCharacter(":"))
        expectHome("/home/q\nvd", .forbiddenPathCharacter("\n"))
    }

    @Test func rejectsABadHomeRoot() {
        var custom = self.configuration
        custom.homeRoot = "home"
        #expect(throws: ProvisioningParameterError(key: "vma.user.home.path", value: "home", problem: .notAbsolute)) {
            try ProvisioningParameters(parameters: [:], configuration: custom)
        }
        custom.homeRoot = "/srv/../home"
        #expect(throws: ProvisioningParameterError(key: "vma.user.home.path", value: "/srv/../home", problem: .notNormalised)) {
            try ProvisioningParameters(parameters: [:], configuration: custom)
        }
    }

    @Test func errorDescriptionsSayWhatAndWhere() {
        let error = ProvisioningParameterError(key: "qvd.vm.user.name", value: "-o", problem: .invalidUserName(.leadingCharacter("-")))
        #expect(error.description == "invalid qvd.vm.user.name \"-o\": not a safe user name: it starts with \"-\" (expected 1 to 32 letters, digits, '_', '.' or '-', not starting with '-' or '.', not all digits, optionally ending in '$')")
        let home = ProvisioningParameterError(key: "qvd.vm.user.home", value: "/etc", problem: .outsideHomeRoot("/home"))
        #expect(home.description == "invalid qvd.vm.user.home \"/etc\": not below the home root \"/home\" (vma.user.home.path)")
    }
}
