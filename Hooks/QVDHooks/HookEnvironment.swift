import QVDCore

/// The environment a hook runs with (spec README, "deliberately differs" item 2;
/// `upstream-vma-observed.md §4.4`).
///
/// Upstream hooks inherit the agent's environment unchanged, and the agent appended
/// `/sbin/` to its own `PATH` at start (`qvd-vma.pl`: `PATH=<inherited>:/sbin/`); the
/// recording shows `PATH=/srv/qvd-oracle/fakebin:/usr/local/bin:/usr/bin:/bin:/sbin/`.
/// We reproduce that, and add every argv pair as a variable so a hook need not parse its
/// argv:
///
/// - the key is upper-cased (ASCII), `.` and `-` become `_`, a leading `qvd.` is dropped and
///   `QVD_` is put in front: `qvd.vm.user.name` → `QVD_VM_USER_NAME`,
///   `qvd.hook.on_action` → `QVD_HOOK_ON_ACTION`, `custom.foo` → `QVD_CUSTOM_FOO`,
///   `vm.expiration.soft` → `QVD_VM_EXPIRATION_SOFT`;
/// - a key that would not give a portable name (`[A-Z0-9_]` after the mapping: spaces,
///   `=`, non-ASCII letters) or that is empty is skipped, and so is a value holding a NUL
///   byte; both are still in argv;
/// - a pair's variable replaces an inherited variable of the same name, and a later pair
///   replaces an earlier one (so the trailer, which comes last, always wins).
///
/// The secrets (`qvd.slave.key`, `auth_token`) are passed too, as upstream passes them in
/// argv: an environment, unlike argv, is readable only by the process's own user.
public enum HookEnvironment {
    /// What upstream appends to `PATH`.
    public static let pathSuffix = "/sbin/"

    /// Builds the environment for one call.
    public static func build(base: [String: String], pairs: [HookParameter]) -> [String: String] {
        var environment = base
        environment["PATH"] = path(appendingSbinTo: base["PATH"])
        for pair in pairs {
            guard let name = variableName(forKey: pair.key), !pair.value.utf8.contains(0) else { continue }
            environment[name] = pair.value
        }
        return environment
    }

    /// `path` with `:/sbin/` appended, as upstream's agent did at start, unless one of its
    /// entries already is `/sbin/` (so an agent that inherits its own adjusted
    /// environment does not grow it). An unset or empty `PATH` becomes
    /// ``ChildProcessEnvironment/defaultPath`` plus `:/sbin/`: upstream would have produced
    /// `:/sbin/`, whose empty first entry means "the current directory".
    public static func path(appendingSbinTo path: String?) -> String {
        guard let path, !path.isEmpty else {
            return ChildProcessEnvironment.defaultPath + ":" + pathSuffix
        }
        if path.split(separator: ":", omittingEmptySubsequences: false).contains(where: { $0 == pathSuffix }) {
            return path
        }
        return path + ":" + pathSuffix
    }

    /// `QVD_…` for a pair's key, or `nil` when the key gives no portable variable name.
    public static func variableName(forKey key: String) -> String? {
        var body = Substring(key)
        if body.lowercased().hasPrefix("qvd.") {
            body = body.dropFirst(4)
        }
        guard !body.isEmpty else { return nil }
        var name = "QVD_"
        for scalar in body.unicodeScalars {
            switch scalar {
            case "a"..."z":
                name.unicodeScalars.append(Unicode.Scalar(scalar.value - 32) ?? scalar)
            case "A"..."Z", "0"..."9", "_":
                name.unicodeScalars.append(scalar)
            case ".", "-":
                name.unicodeScalars.append("_")
            default:
                return nil
            }
        }
        return name
    }
}
