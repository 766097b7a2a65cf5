#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import QVDCore
import QVDSlave

/// What every subcommand needs: the session's port and key, the client configuration,
/// the state file; and the one way errors become messages and exit codes.
struct SlaveClientContext {
    let environment: [String: String]
    let files: SlaveSessionFiles
    let port: Int
    let client: SlaveHTTPClient
    let configuration: Configuration
    var state: ShareStateFile { ShareStateFile(path: files.sharesPath) }

    static func load() throws(SlaveError) -> SlaveClientContext {
        signal(SIGPIPE, SIG_IGN)
        let environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"] ?? VMSlaveConfiguration.home(environment: environment)
        let files = SlaveSessionFiles(home: home)
        let (port, key) = try files.load()
        let configuration: Configuration
        do {
            configuration = try Configuration.load(
                schema: ClientConfigDefaults.table, systemFile: ClientConfigDefaults.systemFile,
                userFile: home + "/" + ClientConfigDefaults.userFileInHome, environment: environment)
        } catch {
            throw SlaveError(.configuration, "read the client configuration", "\(error)")
        }
        return SlaveClientContext(environment: environment, files: files, port: port,
                                  client: SlaveHTTPClient(port: port, key: key), configuration: configuration)
    }

    /// A program from a configuration key, else `fallback` on `PATH`.
    func program(_ key: String, fallback: String) throws(SlaveError) -> String {
        let configured = (try? configuration.string(key)) ?? fallback
        guard let found = ExecutableSearch.find(configured, path: environment["PATH"])
                ?? ExecutableSearch.find(fallback, path: environment["PATH"]) else {
            throw SlaveError(.process, "find \(configured)", "it is not installed (set \(key))")
        }
        return found
    }

    /// The response, or an error naming the refusal.
    static func expect(_ response: SlaveHTTPClient.Response, _ status: HTTPStatus,
                       _ what: String) throws(SlaveError) -> SlaveHTTPClient.Response {
        guard response.head.status == status else {
            let body = response.text.trimmingCharacters(in: .whitespacesAndNewlines)
            throw SlaveError(.refused(status: response.head.status.code), what,
                             "the VM answered \(response.head.status)" + (body.isEmpty ? "" : ": \(body)"))
        }
        return response
    }

    /// Runs `body`; a `SlaveError` becomes a message on stderr and its exit code.
    static func run(_ body: () throws(SlaveError) -> Void) throws {
        do {
            try body()
        } catch {
            FileHandle.standardError.write(Data("qvd-slaveclient: \(error)\n".utf8))
            throw ExitCode(SlaveClientExitCode.code(for: error).rawValue)
        }
    }

    /// The canonical path of `path`, which must exist (and be a directory when asked).
    static func canonical(_ path: String, directory: Bool) throws(SlaveError) -> String {
        guard let resolved = realpath(path, nil) else {
            throw SlaveError(.fileSystem, path, String(cString: strerror(errno)))
        }
        defer { free(resolved) }
        let result = String(cString: resolved)
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: result, isDirectory: &isDirectory)
        if directory, !isDirectory.boolValue { throw SlaveError(.fileSystem, path, "not a directory") }
        return result
    }
}
