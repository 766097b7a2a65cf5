#if canImport(Glibc)
import Glibc
#endif

/// The environment a child receives.
///
/// Replacement is the default: a child sees exactly the variables listed, so the agent's
/// own environment (which may hold secrets or a developer's settings) never leaks into
/// nxagent, hooks or `useradd`. Inheriting must be asked for.
public enum ChildProcessEnvironment: Sendable, Hashable {
    /// Exactly these variables and nothing else.
    case exactly([String: String])
    /// This process's environment, with `updating` set and `removing` removed.
    case inherited(updating: [String: String], removing: Set<String>)

    /// The search path used when a replaced environment has no `PATH` of its own.
    public static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// Only `PATH` (``defaultPath``): the default for every child.
    public static var minimal: Self { .exactly(["PATH": defaultPath]) }

    /// This process's environment unchanged.
    public static var inherited: Self { .inherited(updating: [:], removing: []) }

    /// The variables the child will get.
    public func resolved() -> [String: String] {
        switch self {
        case .exactly(let variables):
            return variables
        case .inherited(let updating, let removing):
            var variables = Self.currentProcessEnvironment()
            for key in removing {
                variables[key] = nil
            }
            for (key, value) in updating {
                variables[key] = value
            }
            return variables
        }
    }

    /// Reads `environ`. Entries without `=` are skipped; on duplicates the first wins, as
    /// `getenv` does.
    static func currentProcessEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                let key = String(text[..<equals])
                if result[key] == nil {
                    result[key] = String(text[text.index(after: equals)...])
                }
            }
            pointer += 1
        }
        return result
    }
}
