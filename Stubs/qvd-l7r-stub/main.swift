import ArgumentParser
import Foundation
import Logging
import NIOPosix
import QVDCore
import QVDL7RStub

/// `qvd-l7r-stub`: a minimal, wire-faithful QVD L7R (issue 4) for testing clients against a
/// real `qvd-vma`. `serve` (the default) runs it; `hash-password` makes the stored form of a
/// password or bearer token.
struct L7RStubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qvd-l7r-stub",
        abstract: "A minimal QVD L7R: login, VM list, connect through a real qvd-vma.",
        discussion: """
            Users and VMs come from the configuration file (see Stubs/examples/l7r-stub.conf). \
            Clients connect with TLS on l7r.port (8443), or plain TCP with l7r.use_ssl = 0.
            """,
        subcommands: [Serve.self, HashPassword.self],
        defaultSubcommand: Serve.self)
}

/// Runs the L7R.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the L7R until interrupted.")

    @Option(name: .long, help: "The configuration file (l7r.*, user.*, vm.* keys).")
    var config: String = "/etc/qvd/l7r-stub.conf"

    @Option(name: .long, help: "Listen on this port instead of l7r.port.")
    var port: Int?

    @Option(name: .long, help: "Log level: ALL, DEBUG, INFO, WARN, ERROR, FATAL or OFF.")
    var logLevel: String = "INFO"

    func validate() throws {
        if let port, !(0...65535).contains(port) {
            throw ValidationError("--port must be between 0 and 65535, not \(port).")
        }
        guard LogThreshold(upstreamName: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(LogThreshold.upstreamNames.joined(separator: ", ")).")
        }
    }

    func run() async throws {
        let threshold = LogThreshold(upstreamName: logLevel) ?? .minimum(.info)
        try QVDLogging.bootstrap(destination: .standardError, level: threshold)
        let logger = Logger(label: "qvd-l7r-stub")
        var overrides: [(option: String, key: String, value: String)] = []
        if let port { overrides.append(("--port", "l7r.port", String(port))) }
        let configuration: L7RStubConfiguration
        do {
            configuration = try L7RStubConfiguration.load(path: config, overrides: overrides)
        } catch {
            logger.critical("\(error)")
            throw ExitCode(2)
        }
        var tls: L7RTLSMaterial?
        if configuration.useSSL {
            do {
                if let cert = configuration.certificateFile, let key = configuration.keyFile {
                    tls = try L7RTLSMaterial(certificateFile: cert, keyFile: key)
                } else {
                    let (material, created) = try await L7RTLSMaterial.selfSigned(in: configuration.stateDirectory)
                    tls = material
                    if created {
                        announce("created a self-signed certificate \(material.certificateFile)")
                    }
                }
            } catch {
                logger.critical("\(error)")
                throw ExitCode(3)
            }
            if let tls { announce("certificate SHA-256 fingerprint: \(tls.fingerprint)") }
        }
        let server = try await L7RServer.bind(configuration: configuration, tls: tls,
                                              group: MultiThreadedEventLoopGroup.singleton, logger: logger)
        logger.info("listening", metadata: ["address": "\(configuration.bindAddress)", "port": "\(server.port)",
                                            "tls": "\(configuration.useSSL)"])
        try await server.run()
    }
}

/// Writes one line to standard output at once (it is often a pipe or a file).
func announce(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Prints the stored form of a secret read from standard input (never from argv, where
/// other users could see it in the process list).
struct HashPassword: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-password",
        abstract: "Read a password (or bearer token) from stdin; print its sha256:<salt>:<hex> form.",
        discussion: """
            Reads the first line of standard input. Use the output as user.<login>.password_hash \
            or user.<login>.token.<name>. Example: printf '%s\\n' "$PASSWORD" | qvd-l7r-stub hash-password
            """)

    func run() throws {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ValidationError("No password on standard input: pipe it in, one line.")
        }
        print(SaltedHash.make(secret: line).description)
    }
}

/// Parses the arguments and runs the chosen command. `@main` is not available in a
/// `main.swift`, and there a bare `main()` call resolves to the synchronous overload, so
/// this does by hand what `AsyncParsableCommand.main()` does.
func runL7RStub() async {
    do {
        var command = try L7RStubCommand.parseAsRoot()
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await runAsync(&asyncCommand)
        } else {
            try command.run()
        }
    } catch {
        L7RStubCommand.exit(withError: error)
    }
}

func runAsync<Command: AsyncParsableCommand>(_ command: inout Command) async throws {
    try await command.run()
}

await runL7RStub()
