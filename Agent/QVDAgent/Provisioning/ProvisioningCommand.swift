/// One program provisioning runs: `groupadd`, `useradd`, `userdel`, `groupdel`, `sfdisk`,
/// `partx`, `mkfs.<fs>` or `mount`, as an argv (never through a shell), with optional bytes
/// on standard input (`sfdisk` reads its partition script there).
public struct ProvisioningCommand: Sendable, Hashable, CustomStringConvertible {
    /// An absolute path or a bare name looked up in `PATH`.
    public var executable: String
    public var arguments: [String]
    /// Text fed on standard input; `/dev/null` when `nil`.
    public var standardInput: String?

    public init(executable: String, arguments: [String], standardInput: String? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.standardInput = standardInput
    }

    /// The executable followed by the arguments.
    public var argv: [String] { [executable] + arguments }

    /// The argv joined with spaces, each word that needs it in single quotes, for log lines
    /// and error messages (the command is never run through a shell).
    public var description: String {
        argv.map(Self.quoteIfNeeded).joined(separator: " ")
    }

    static func quoteIfNeeded(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "/", ".", "_", "-", ",", "=", "+", ":", "@", "%":
                return true
            default:
                return false
            }
        }
        if plain { return word }
        var quoted = "'"
        for character in word {
            quoted += character == "'" ? "'\\''" : String(character)
        }
        return quoted + "'"
    }
}
