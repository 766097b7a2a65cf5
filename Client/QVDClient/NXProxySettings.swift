/// How to run the local `nxproxy -S` after the `101` (`upstream-l7r-protocol.md` §6.1,
/// `upstream-clients-observed.md` §5.4).
public struct NXProxySettings: Sendable, Hashable {
    /// `command.nxproxy`, default `/usr/bin/nxproxy`.
    public var executable: String
    /// `client.nxproxy.extra_args` and the items of `-x`, passed as separate `key=value`
    /// arguments after `-S` (nxproxy merges them, §5.4 item 15 of the observations).
    public var extraOptions: [String]
    /// `client.slave.enable`: add `slave=<free port>`.
    public var slaveEnabled: Bool
    /// `client.slave.command`: becomes `NX_SLAVE_CMD` when it is executable.
    public var slaveCommand: String?
    /// `client.printing.enable`: add `cups=631`, as the Perl client does.
    public var printing: Bool

    public init(executable: String, extraOptions: [String] = [], slaveEnabled: Bool = false,
                slaveCommand: String? = nil, printing: Bool = false) {
        self.executable = executable
        self.extraOptions = extraOptions
        self.slaveEnabled = slaveEnabled
        self.slaveCommand = slaveCommand
        self.printing = printing
    }

    /// `-x nx/nx,data=0,cache=16384` → `["data=0", "cache=16384"]` (the C client's option
    /// string; the `nx/nx` prefix and any `:display` suffix are nxproxy's own).
    public static func splitNXOptions(_ text: String) -> [String] {
        var items = text.split(separator: ",").map(String.init)
        if let first = items.first, first == "nx/nx" || first.hasPrefix("nx/nx") && !first.contains("=") {
            items.removeFirst()
        } else if let first = items.first, first.hasPrefix("nx/nx,") {
            items[0] = String(first.dropFirst(6))
        }
        return items.filter { !$0.isEmpty }
    }

    /// The argv after the program name: `[extra…] -S [slave=N] [cups=631] localhost:<P-4000>`.
    /// nxproxy connects to port `4000 + offset`, so the offset names our listener.
    public func arguments(listenerPort: Int, slavePort: Int?) -> [String] {
        var argv = ["-S"]
        if slaveEnabled, let slavePort { argv.append("slave=\(slavePort)") }
        if printing { argv.append("cups=631") }
        argv += extraOptions
        argv.append("localhost:\(listenerPort - 4000)")
        return argv
    }

    /// Variables added to the caller's environment: `NX_CLIENT=/bin/false` (no NX dialog
    /// helper) and, when the slave command is executable, `NX_SLAVE_CMD`/`QVD_SLAVE_CMD`.
    public func environment(slaveCommandIsExecutable: Bool) -> [String: String] {
        var env = ["NX_CLIENT": "/bin/false"]
        if slaveEnabled, slaveCommandIsExecutable, let slaveCommand {
            env["NX_SLAVE_CMD"] = slaveCommand
            env["QVD_SLAVE_CMD"] = slaveCommand
        }
        return env
    }
}
