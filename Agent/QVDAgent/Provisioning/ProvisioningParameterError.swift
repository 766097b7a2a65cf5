/// Why the user, group, ids or home of an x_start request (or their configured defaults)
/// cannot be used for provisioning.
///
/// ``key`` names where the bad value came from: the x_start parameter when the request carried
/// it, otherwise the configuration key its default came from (`upstream-vma.md` §5.1), so the
/// message says whom to ask for a fix: the QVD administrator's user properties or the VMA's
/// configuration. Values are quoted with Swift escaping so control characters stay visible.
public struct ProvisioningParameterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the value.
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        /// Not a safe user name (``AccountName``).
        case invalidUserName(AccountName.Problem)
        /// Not a safe group name (``AccountName``).
        case invalidGroupName(AccountName.Problem)
        /// One item of a comma-separated group list is not a safe group name or numeric id.
        case invalidGroupListItem(item: String, AccountName.Problem)
        /// Not a decimal id from 0 (uid) or 1 (gid) up to 4294967294.
        case invalidID
        /// A path that is not absolute.
        case notAbsolute
        /// A path with `.`, `..` or empty components or a trailing `/`.
        case notNormalised
        /// A path with a `:` or a control character, which `/etc/passwd` cannot hold.
        case forbiddenPathCharacter(Character)
        /// A home that is not strictly below the home root.
        case outsideHomeRoot(String)

        public var description: String {
            switch self {
            case .invalidUserName(let problem):
                return "not a safe user name: \(problem) (expected \(AccountName.rule))"
            case .invalidGroupName(let problem):
                return "not a safe group name: \(problem) (expected \(AccountName.rule))"
            case .invalidGroupListItem(let item, let problem):
                return "group \(String(reflecting: item)) is not a safe group name: \(problem) (expected comma-separated names of \(AccountName.rule), or numeric group ids)"
            case .invalidID:
                return "not a numeric id (expected decimal digits, at most 4294967294)"
            case .notAbsolute:
                return "not an absolute path"
            case .notNormalised:
                return "not a normalised path (no '.', '..' or empty components and no trailing '/')"
            case .forbiddenPathCharacter(let character):
                return "the path contains \(String(reflecting: String(character))), which /etc/passwd cannot hold"
            case .outsideHomeRoot(let root):
                return "not below the home root \(String(reflecting: root)) (\(ProvisioningConfiguration.Key.homeRoot))"
            }
        }
    }

    /// The x_start parameter or configuration key the value came from.
    public let key: String
    /// The value as received (before whitespace removal for group lists).
    public let value: String
    public let problem: Problem

    public init(key: String, value: String, problem: Problem) {
        self.key = key
        self.value = value
        self.problem = problem
    }

    public var description: String {
        "invalid \(key) \(String(reflecting: value)): \(problem)"
    }
}
