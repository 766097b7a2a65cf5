/// The rules a user or group name must follow before it reaches `groupadd`, `useradd`,
/// `userdel` or `groupdel` as an argument.
///
/// Upstream passes `qvd.vm.user.name`, `qvd.vm.user.group` and `qvd.vm.user.groups` from the
/// x_start request to those commands unchecked (`upstream-vma.md` §5.3), so a name such as
/// `-o` or `-rf` would be taken as an option. We accept the portable subset shadow-utils
/// accepts: 1 to 32 characters from letters, digits, `_`, `.` and `-`, not starting with `-`
/// or `.`, not all digits (it would read as an id), optionally ending in `$` (Samba machine
/// accounts). No `/`, `:`, `,`, whitespace or control characters can pass.
public enum AccountName {
    /// The longest name accepted (shadow-utils and utmp's limit on Debian).
    public static let maximumLength = 32

    /// Why a name is refused.
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        case empty
        case tooLong(Int)
        case leadingCharacter(Character)
        case forbiddenCharacter(Character)
        case allDigits

        public var description: String {
            switch self {
            case .empty:
                return "it is empty"
            case .tooLong(let length):
                return "it is \(length) characters long (at most \(AccountName.maximumLength))"
            case .leadingCharacter(let character):
                return "it starts with \(String(reflecting: String(character)))"
            case .forbiddenCharacter(let character):
                return "it contains \(String(reflecting: String(character)))"
            case .allDigits:
                return "it is all digits, which would be read as a numeric id"
            }
        }
    }

    /// What a valid name looks like, for error messages.
    public static let rule = "1 to \(maximumLength) letters, digits, '_', '.' or '-', not starting with '-' or '.', not all digits, optionally ending in '$'"

    /// Why `name` is not a safe user or group name, or `nil` when it is.
    public static func problem(with name: String) -> Problem? {
        guard let first = name.first else { return .empty }
        let count = name.count
        if count > maximumLength { return .tooLong(count) }
        if first == "-" || first == "." { return .leadingCharacter(first) }
        var body = Substring(name)
        if body.last == "$", body.count > 1 { body = body.dropLast() }
        for character in body where !isNameCharacter(character) {
            return .forbiddenCharacter(character)
        }
        if body.allSatisfy({ $0.isASCII && $0.isWholeNumber }) { return .allDigits }
        return nil
    }

    /// Whether `name` is a safe user or group name.
    public static func isValid(_ name: String) -> Bool {
        problem(with: name) == nil
    }

    static func isNameCharacter(_ character: Character) -> Bool {
        guard character.isASCII, let scalar = character.unicodeScalars.first else { return false }
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "-":
            return true
        default:
            return false
        }
    }
}
