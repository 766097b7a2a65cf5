import QVDCore

/// Everything `qvd-l7r-stub` reads, as typed fields (keys and defaults: `L7RConfigDefaults`;
/// accounts: `L7RAccounts`).
public struct L7RStubConfiguration: Sendable {
    /// The listen address; `*` means every address.
    public var address: String
    public var port: Int
    public var useSSL: Bool
    /// Certificate and key files; both `nil` uses the self-signed pair in `stateDirectory`.
    public var certificateFile: String?
    public var keyFile: String?
    public var stateDirectory: String
    public var timing: L7RTiming
    public var accounts: L7RAccounts

    public init(address: String = "127.0.0.1", port: Int = 8443, useSSL: Bool = true,
                certificateFile: String? = nil, keyFile: String? = nil,
                stateDirectory: String, timing: L7RTiming = L7RTiming(), accounts: L7RAccounts) {
        self.address = address
        self.port = port
        self.useSSL = useSSL
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.stateDirectory = stateDirectory
        self.timing = timing
        self.accounts = accounts
    }

    /// The address to bind: `*` becomes `0.0.0.0`.
    public var bindAddress: String {
        address == "*" || address.isEmpty ? "0.0.0.0" : address
    }

    /// Reads the properties file at `path` (required), then `l7r.stub.accounts_file` if set.
    public static func load(path: String, overrides: [(option: String, key: String, value: String)] = [])
        throws(L7RStubConfigurationError) -> L7RStubConfiguration
    {
        do {
            var configuration = try Configuration.load(schema: L7RConfigDefaults.table, systemFile: path,
                                                       systemFileRequired: true, commandLine: overrides)
            if let accountsFile = try configuration.optionalPath("l7r.stub.accounts_file"), !accountsFile.isEmpty {
                var layers = configuration.layers
                layers.insert(try .file(at: accountsFile, kind: .userFile, optional: false), at: layers.count - 1)
                configuration = Configuration(layers: layers, schema: L7RConfigDefaults.table)
            }
            return try L7RStubConfiguration(configuration: configuration)
        } catch let error as ConfigError {
            throw .init(.config(error))
        } catch let error as L7RStubConfigurationError {
            throw error
        } catch {
            throw .init(.invalidValue(key: path, reason: "\(error)"))
        }
    }

    /// Reads the typed fields from a loaded configuration.
    public init(configuration: Configuration) throws(L7RStubConfigurationError) {
        do {
            let cert = try configuration.optionalPath("l7r.ssl.cert") ?? ""
            let key = try configuration.optionalPath("l7r.ssl.key") ?? ""
            if cert.isEmpty != key.isEmpty {
                throw L7RStubConfigurationError(.invalidValue(
                    key: cert.isEmpty ? "l7r.ssl.cert" : "l7r.ssl.key",
                    reason: "set both l7r.ssl.cert and l7r.ssl.key, or neither"))
            }
            func seconds(_ key: String) throws(ConfigError) -> Duration {
                .milliseconds(Int((try configuration.double(key, in: 0...86_400) * 1000).rounded()))
            }
            self.init(
                address: try configuration.string("l7r.address"),
                port: try configuration.int("l7r.port", in: 1...65535),
                useSSL: try configuration.bool("l7r.use_ssl"),
                certificateFile: cert.isEmpty ? nil : cert,
                keyFile: key.isEmpty ? nil : key,
                stateDirectory: try configuration.path("l7r.stub.state_dir"),
                timing: L7RTiming(
                    vmaCallTimeout: try seconds("internal.l7r.timeout.vma"),
                    xStartRetries: try configuration.int("internal.l7r.retry.x_start", in: 0...1000),
                    xPollInterval: try seconds("internal.l7r.poll_time.x"),
                    xStartTimeout: try seconds("internal.l7r.timeout.x_start"),
                    vmPollInterval: try seconds("internal.l7r.poll_time.vm")),
                accounts: try L7RAccounts(configuration: configuration))
        } catch let error as ConfigError {
            throw .init(.config(error))
        } catch let error as L7RStubConfigurationError {
            throw error
        } catch {
            throw .init(.invalidValue(key: "(configuration)", reason: "\(error)"))
        }
    }
}
