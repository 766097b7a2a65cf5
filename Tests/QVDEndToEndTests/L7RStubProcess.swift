import Foundation
import QVDCore
import QVDL7RStub
import SystemPackage
import QVDTestSupport

/// A running `qvd-l7r-stub serve` (the built binary) on a loopback port, with TLS from the
/// self-signed pair it creates in its own state directory, and the SHA-256 fingerprint it
/// prints at start. Its console goes to `<directory>/stub.out` / `stub.err`.
final class L7RStubProcess: @unchecked Sendable {
    let port: Int
    let directory: String
    /// `sha256:<hex>`, the `--pin` form of the certificate it serves.
    let pin: String
    private let handle: ChildProcessHandle

    private init(port: Int, directory: String, pin: String, handle: ChildProcessHandle) {
        self.port = port
        self.directory = directory
        self.pin = pin
        self.handle = handle
    }

    /// One user and a VM list, as configuration lines (`L7RAccounts` syntax).
    static func accounts(login: String, password: String, machines: [String]) -> String {
        "user.\(login).password_hash = \(SaltedHash.make(secret: password).description)\n" + machines.joined(separator: "\n") + "\n"
    }

    /// A VM entry of the stub's configuration.
    static func machine(id: Int, name: String, owner: String, vmaPort: Int, nxPort: Int = 4100, blocked: Bool = false) -> String {
        """
        vm.\(id).name = \(name)
        vm.\(id).owner = \(owner)
        vm.\(id).vma_host = 127.0.0.1
        vm.\(id).vma_port = \(vmaPort)
        vm.\(id).nx_port = \(nxPort)
        vm.\(id).blocked = \(blocked ? 1 : 0)
        """
    }

    /// Writes `<directory>/stub.conf` and starts the stub; returns once it accepts
    /// connections. `stateDirectory` holds its certificate: a new directory means a new one.
    static func start(port: Int, directory: String, stateDirectory: String, accounts: String,
                      extraConfig: String = "") async throws -> L7RStubProcess {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = """
            l7r.port = \(port)
            l7r.address = 127.0.0.1
            l7r.use_ssl = 1
            l7r.stub.state_dir = \(stateDirectory)
            internal.l7r.timeout.vma = 3
            internal.l7r.retry.x_start = 2
            internal.l7r.poll_time.x = 0.2
            internal.l7r.timeout.x_start = 20
            internal.l7r.poll_time.vm = 0.2
            \(extraConfig)
            \(accounts)
            """
        let configPath = directory + "/stub.conf"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let out = try FileDescriptor.open(directory + "/stub.out", .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
        let err = try FileDescriptor.open(directory + "/stub.err", .writeOnly, options: [.create, .append], permissions: [.ownerReadWrite])
        let handle = try await ChildProcess.start(ChildProcessConfiguration(
            executable: EndToEndBinaries.stub,
            arguments: ["serve", "--config", configPath, "--log-level", "DEBUG"],
            environment: .exactly(["PATH": EndToEndBinaries.systemPath, "HOME": directory]),
            standardOutput: .fileDescriptor(out, closeAfterSpawn: true),
            standardError: .fileDescriptor(err, closeAfterSpawn: true)))
        do {
            try await TestNetwork.waitUntilListening(port: port)
            let printed = (try? String(contentsOfFile: directory + "/stub.out", encoding: .utf8)) ?? ""
            guard let line = printed.split(separator: "\n").first(where: { $0.hasPrefix("certificate SHA-256 fingerprint: ") }) else {
                throw EndToEndError("the stub printed no fingerprint: \(printed)")
            }
            let hex = line.dropFirst("certificate SHA-256 fingerprint: ".count).filter { $0 != ":" }.lowercased()
            return L7RStubProcess(port: port, directory: directory, pin: "sha256:" + hex, handle: handle)
        } catch {
            _ = try? await handle.terminate(grace: .seconds(1))
            throw EndToEndError("qvd-l7r-stub did not start: \(error); stderr: \((try? String(contentsOfFile: directory + "/stub.err", encoding: .utf8)) ?? "")")
        }
    }

    /// The stub's log (stderr).
    var log: String { (try? String(contentsOfFile: directory + "/stub.err", encoding: .utf8)) ?? "" }

    /// The requests the stub logged, as `METHOD path` (from its `request` log lines).
    var requests: [String] {
        log.split(separator: "\n").compactMap { line -> String? in
            guard line.contains(" request "), let method = Self.value(of: "method", in: line),
                  let path = Self.value(of: "path", in: line) else { return nil }
            return "\(method) \(path)"
        }
    }

    static func value(of key: String, in line: Substring) -> String? {
        guard let range = line.range(of: " \(key)=") else { return nil }
        let rest = line[range.upperBound...]
        return String(rest.prefix { $0 != " " })
    }

    func stop() async {
        _ = try? await handle.terminate(grace: .seconds(2))
    }
}
