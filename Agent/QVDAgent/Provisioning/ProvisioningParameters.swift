/// The user, groups and home an x_start provisions, after upstream's `_fill_props` defaulting
/// (`upstream-vma.md` §5.1) and our validation.
///
/// Defaults, as upstream:
/// * `qvd.vm.user.name` ← `vma.user.default.name` (`qvd`);
/// * `qvd.vm.user.groups` ← `vma.user.default.groups` (`qvduser`), whitespace removed;
/// * `qvd.vm.user.home` ← `<vma.user.home.path>/<user>`;
/// * `qvd.vm.user.group` ← the user name;
/// * `qvd.vm.user.uid`, `qvd.vm.user.gid`: optional.
///
/// Upstream's hooks see the first three defaulted values as x_start parameters (transcript
/// step S36: `qvd.vm.user.groups`, `qvd.vm.user.home`, `qvd.vm.user.name`); ``filledParameters``
/// lists exactly the ones this request lacked, for the VMA to add.
///
/// Validation is ours (upstream passes every value to `useradd` unchecked): names must pass
/// ``AccountName``; the home must be absolute, normalised, free of `:` and control characters
/// and strictly below the home root; ids must be decimal. An empty `qvd.vm.user.uid` or
/// `qvd.vm.user.gid` counts as absent; a uid of `0` is accepted and, as upstream, not passed
/// to `useradd` (`-u` only when non-zero); a gid of `0` is refused.
public struct ProvisioningParameters: Sendable, Hashable {
    /// The x_start parameter keys.
    public enum Key {
        public static let userName = "qvd.vm.user.name"
        public static let groups = "qvd.vm.user.groups"
        public static let home = "qvd.vm.user.home"
        public static let group = "qvd.vm.user.group"
        public static let userID = "qvd.vm.user.uid"
        public static let groupID = "qvd.vm.user.gid"
    }

    /// A parameter the request lacked, with the default it got.
    public struct FilledParameter: Sendable, Hashable {
        public let key: String
        public let value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The user to provision and run the session as.
    public let userName: String
    /// The primary group (`useradd -g`, `groupadd`).
    public let groupName: String
    /// Supplementary groups (`useradd -G`), in order; empty means no `-G`.
    public let supplementaryGroups: [String]
    /// The home directory (`useradd -d`).
    public let home: String
    /// `qvd.vm.user.uid`, when given (possibly 0, which `useradd` does not get).
    public let userID: UInt32?
    /// `qvd.vm.user.gid`, when given.
    public let groupID: UInt32?
    /// The defaulted parameters the request lacked, in upstream's order (name, groups, home).
    public let filledParameters: [FilledParameter]

    /// The home root the home was checked against (normalised).
    public let homeRoot: String

    /// The `-G` argument: the groups joined with `,` (whitespace already removed).
    public var groupsArgument: String { supplementaryGroups.joined(separator: ",") }

    /// Applies the defaults to `parameters` (the x_start parameters, one value per key) and
    /// validates the result.
    public init(
        parameters: [String: String],
        configuration: ProvisioningConfiguration
    ) throws(ProvisioningParameterError) {
        let root = try Self.normalisedHomeRoot(configuration.homeRoot)
        homeRoot = root
        var filled: [FilledParameter] = []

        let userKey = parameters[Key.userName] == nil ? ProvisioningConfiguration.Key.defaultUserName : Key.userName
        let user = parameters[Key.userName] ?? configuration.defaultUserName
        if parameters[Key.userName] == nil { filled.append(FilledParameter(key: Key.userName, value: user)) }
        if let problem = AccountName.problem(with: user) {
            throw ProvisioningParameterError(key: userKey, value: user, problem: .invalidUserName(problem))
        }
        userName = user

        let groupsKey = parameters[Key.groups] == nil ? ProvisioningConfiguration.Key.defaultUserGroups : Key.groups
        let rawGroups = parameters[Key.groups] ?? configuration.defaultUserGroups
        let groups = String(rawGroups.unicodeScalars.filter { !$0.properties.isWhitespace })
        if parameters[Key.groups] == nil { filled.append(FilledParameter(key: Key.groups, value: groups)) }
        supplementaryGroups = try Self.groupList(groups, key: groupsKey, raw: rawGroups)

        let homeKey = parameters[Key.home] == nil ? ProvisioningConfiguration.Key.homeRoot : Key.home
        let home = parameters[Key.home] ?? (root == "/" ? "/\(user)" : "\(root)/\(user)")
        if parameters[Key.home] == nil { filled.append(FilledParameter(key: Key.home, value: home)) }
        try Self.checkHome(home, root: root, key: homeKey)
        self.home = home

        let group = parameters[Key.group] ?? user
        if let problem = AccountName.problem(with: group) {
            throw ProvisioningParameterError(
                key: parameters[Key.group] == nil ? userKey : Key.group, value: group, problem: .invalidGroupName(problem))
        }
        groupName = group

        userID = try Self.id(parameters[Key.userID], key: Key.userID, allowZero: true)
        groupID = try Self.id(parameters[Key.groupID], key: Key.groupID, allowZero: false)
        filledParameters = filled
    }

    /// `-G`'s list: comma-separated names (or numeric ids, which `useradd -G` also accepts).
    private static func groupList(_ groups: String, key: String, raw: String) throws(ProvisioningParameterError) -> [String] {
        guard !groups.isEmpty else { return [] }
        var result: [String] = []
        for item in groups.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            if !item.isEmpty, item.allSatisfy({ $0.isASCII && $0.isWholeNumber }), UInt32(item) != nil {
                result.append(item)
                continue
            }
            if let problem = AccountName.problem(with: item) {
                throw ProvisioningParameterError(key: key, value: raw, problem: .invalidGroupListItem(item: item, problem))
            }
            result.append(item)
        }
        return result
    }

    private static func id(_ text: String?, key: String, allowZero: Bool) throws(ProvisioningParameterError) -> UInt32? {
        guard let text, !text.isEmpty else { return nil }
        guard text.allSatisfy({ $0.isASCII && $0.isWholeNumber }), let value = UInt32(text),
              value != UInt32.max, allowZero || value != 0
        else {
            throw ProvisioningParameterError(key: key, value: text, problem: .invalidID)
        }
        return value
    }

    /// The configured home root without trailing `/` (`/home/` → `/home`); must be absolute
    /// with no `.`, `..` or empty components otherwise.
    static func normalisedHomeRoot(_ root: String) throws(ProvisioningParameterError) -> String {
        let key = ProvisioningConfiguration.Key.homeRoot
        guard root.hasPrefix("/") else {
            throw ProvisioningParameterError(key: key, value: root, problem: .notAbsolute)
        }
        var trimmed = Substring(root)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if let bad = trimmed.first(where: { $0 == ":" || $0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) {
            throw ProvisioningParameterError(key: key, value: root, problem: .forbiddenPathCharacter(bad))
        }
        guard trimmed == "/" || isNormalised(trimmed) else {
            throw ProvisioningParameterError(key: key, value: root, problem: .notNormalised)
        }
        return String(trimmed)
    }

    private static func checkHome(_ home: String, root: String, key: String) throws(ProvisioningParameterError) {
        guard home.hasPrefix("/") else {
            throw ProvisioningParameterError(key: key, value: home, problem: .notAbsolute)
        }
        if let bad = home.first(where: { $0 == ":" || $0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) {
            throw ProvisioningParameterError(key: key, value: home, problem: .forbiddenPathCharacter(bad))
        }
        guard isNormalised(Substring(home)) else {
            throw ProvisioningParameterError(key: key, value: home, problem: .notNormalised)
        }
        let prefix = root == "/" ? "/" : root + "/"
        guard home.hasPrefix(prefix), home.count > prefix.count else {
            throw ProvisioningParameterError(key: key, value: home, problem: .outsideHomeRoot(root))
        }
    }

    /// `/a/b`: absolute, no empty, `.` or `..` component, no trailing `/`.
    private static func isNormalised(_ path: Substring) -> Bool {
        guard path.hasPrefix("/"), path.count > 1 else { return false }
        let components = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        return components.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}
