import QVDCore

/// The stub's users and virtual machines, read from the `user.*` and `vm.*` keys of its
/// configuration (the stub has no database; upstream's L7R reads these from PostgreSQL).
///
/// Syntax (properties, one setting per line; an example is `Stubs/examples/l7r-stub.conf`):
/// ```
/// user.<login>.password_hash = sha256:<salt>:<hex>   # from `qvd-l7r-stub hash-password`
/// user.<login>.token.<name>  = sha256:<salt>:<hex>   # a bearer token, hashed the same way
/// user.<login>.blocked       = 0                     # 1: every login fails with 401
/// vm.<id>.name           = Desktop-1                 # required
/// vm.<id>.owner          = <login>                   # required
/// vm.<id>.vma_host       = 10.0.0.5                  # required: the VMA's address
/// vm.<id>.vma_port       = 3030                      # default 3030
/// vm.<id>.nx_host        = 10.0.0.5                  # default: vma_host
/// vm.<id>.nx_port        = 4100                      # default 4100 (nxagent, display 100)
/// vm.<id>.state          = running                   # or stopped; what list_of_vm shows at start
/// vm.<id>.blocked        = 0
/// vm.<id>.is_application = 0
/// vm.<id>.property.<key> = <value>                   # passed to x_start, e.g. property.qvd.vm.user.home
/// ```
/// Logins are lower-cased (upstream's default, `upstream-l7r-protocol.md` §3.1); `<id>` is a
/// positive integer.
public struct L7RAccounts: Sendable, Hashable {
    /// Users by login.
    public var users: [String: L7RUser]
    /// Virtual machines, by id.
    public var machines: [Int: L7RVirtualMachine]

    public init(users: [L7RUser], machines: [L7RVirtualMachine]) {
        self.users = Dictionary(users.map { ($0.login, $0) }, uniquingKeysWith: { first, _ in first })
        self.machines = Dictionary(machines.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Reads the accounts from `configuration`.
    public init(configuration: Configuration) throws(L7RStubConfigurationError) {
        var users: [String: L7RUser] = [:]
        for key in configuration.keys(withPrefix: "user.") {
            let parts = key.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, !parts[1].isEmpty else {
                throw .init(.invalidAccountKey(key: key, reason: "expected user.<login>.<field>"))
            }
            let login = parts[1].lowercased()
            let value = try Self.string(configuration, key)
            var user = users[login] ?? L7RUser(login: login, password: nil)
            switch parts[2] {
            case "password_hash":
                guard let hash = SaltedHash.parse(value) else {
                    throw .init(.invalidAccountKey(key: key, reason: "expected sha256:<salt>:<64 hex digits> (run `qvd-l7r-stub hash-password`)"))
                }
                user.password = hash
            case "blocked":
                user.blocked = try Self.bool(configuration, key)
            case let field where field.hasPrefix("token."):
                guard let hash = SaltedHash.parse(value) else {
                    throw .init(.invalidAccountKey(key: key, reason: "expected sha256:<salt>:<64 hex digits> (run `qvd-l7r-stub hash-password`)"))
                }
                user.tokens[String(field.dropFirst("token.".count))] = hash
            default:
                throw .init(.invalidAccountKey(key: key, reason: "unknown user field `\(parts[2])`; use password_hash, token.<name> or blocked"))
            }
            users[login] = user
        }

        var fields: [Int: [String: String]] = [:]
        var properties: [Int: [(key: String, value: String)]] = [:]
        for key in configuration.keys(withPrefix: "vm.") {
            let parts = key.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let id = Int(parts[1]), id > 0 else {
                throw .init(.invalidAccountKey(key: key, reason: "expected vm.<positive integer id>.<field>"))
            }
            let value = try Self.string(configuration, key)
            if parts[2].hasPrefix("property.") {
                let name = String(parts[2].dropFirst("property.".count))
                guard !name.isEmpty else {
                    throw .init(.invalidAccountKey(key: key, reason: "the property has no name"))
                }
                properties[id, default: []].append((name, value))
            } else {
                fields[id, default: [:]][parts[2]] = value
            }
        }

        var machines: [L7RVirtualMachine] = []
        for (id, values) in fields.sorted(by: { $0.key < $1.key }) {
            machines.append(try Self.machine(id: id, values: values, properties: properties[id] ?? []))
        }
        for id in properties.keys where fields[id] == nil {
            throw .init(.missingField(vm: id, field: "name"))
        }
        self.init(users: users.values.sorted { $0.login < $1.login }, machines: machines)
    }

    /// The VMs owned by `login`, by id.
    public func machines(ownedBy login: String) -> [L7RVirtualMachine] {
        machines.values.filter { $0.owner == login }.sorted { $0.id < $1.id }
    }

    private static let knownVMFields: Set<String> = [
        "name", "owner", "vma_host", "vma_port", "nx_host", "nx_port", "state", "blocked", "is_application",
    ]

    private static func machine(id: Int, values: [String: String],
                                properties: [(key: String, value: String)]) throws(L7RStubConfigurationError) -> L7RVirtualMachine {
        for field in values.keys where !knownVMFields.contains(field) {
            throw .init(.invalidAccountKey(key: "vm.\(id).\(field)",
                                           reason: "unknown VM field; use \(knownVMFields.sorted().joined(separator: ", ")) or property.<key>"))
        }
        func required(_ field: String) throws(L7RStubConfigurationError) -> String {
            guard let value = values[field], !value.isEmpty else { throw .init(.missingField(vm: id, field: field)) }
            return value
        }
        func port(_ field: String, _ fallback: Int) throws(L7RStubConfigurationError) -> Int {
            guard let text = values[field], !text.isEmpty else { return fallback }
            guard let port = Int(text), (1...65535).contains(port) else {
                throw .init(.invalidAccountKey(key: "vm.\(id).\(field)", reason: "`\(text)` is not a port number (1-65535)"))
            }
            return port
        }
        func flag(_ field: String) throws(L7RStubConfigurationError) -> Bool {
            guard let text = values[field], !text.isEmpty else { return false }
            switch text.lowercased() {
            case "1", "yes", "true", "on": return true
            case "0", "no", "false", "off": return false
            default: throw .init(.invalidAccountKey(key: "vm.\(id).\(field)", reason: "`\(text)` is not 0 or 1"))
            }
        }
        let state = values["state"].flatMap { $0.isEmpty ? nil : $0 } ?? "running"
        guard state == "running" || state == "stopped" else {
            throw .init(.invalidAccountKey(key: "vm.\(id).state", reason: "`\(state)` is not running or stopped"))
        }
        let vmaHost = try required("vma_host")
        return L7RVirtualMachine(
            id: id, name: try required("name"), owner: try required("owner").lowercased(),
            initialState: state, vmaHost: vmaHost, vmaPort: try port("vma_port", 3030),
            nxHost: values["nx_host"].flatMap { $0.isEmpty ? nil : $0 } ?? vmaHost,
            nxPort: try port("nx_port", 4100), blocked: try flag("blocked"),
            isApplication: try flag("is_application"), properties: properties)
    }

    private static func string(_ configuration: Configuration, _ key: String) throws(L7RStubConfigurationError) -> String {
        do { return try configuration.string(key) } catch { throw .init(.config(error)) }
    }

    private static func bool(_ configuration: Configuration, _ key: String) throws(L7RStubConfigurationError) -> Bool {
        do { return try configuration.bool(key) } catch { throw .init(.config(error)) }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.users == rhs.users && lhs.machines == rhs.machines
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(users.count)
        hasher.combine(machines.count)
    }
}
