import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import QVDCore

/// Sets the VM's time zone from `qvd.client.timezone` with `timedatectl` (upstream-vma.md
/// §7.4). Failures are only logged, as upstream. Unlike upstream, nothing runs when the
/// client sent no time zone, and the name is validated first (it comes from the client).
public struct TimezoneSetter: Sendable {
    public let logger: Logger
    public var command = "timedatectl"

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Olson names: letters, digits, `/`, `_`, `-`, `+`; no leading `-` or `/`, no `..`.
    public static func isValid(_ zone: String) -> Bool {
        guard !zone.isEmpty, zone.count <= 64, !zone.hasPrefix("-"), !zone.hasPrefix("/"), !zone.contains("..") else { return false }
        return zone.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "/_-+".unicodeScalars.contains($0) }
    }

    public func set(_ zone: String) {
        guard Self.isValid(zone) else {
            logger.warning("ignoring invalid qvd.client.timezone", metadata: ["value": "\(zone)"])
            return
        }
        let logger = self.logger
        let configuration = ChildProcessConfiguration(
            executable: command, arguments: ["set-timezone", zone], environment: .inherited,
            standardOutput: .collect(limit: 4096), standardError: .collect(limit: 4096))
        Task {
            do {
                let result = try await ChildProcess.run(configuration, timeout: .seconds(10))
                if !result.succeeded {
                    logger.warning("timedatectl set-timezone \(zone) failed: \(result.status) \(result.standardError?.text ?? "")")
                }
            } catch {
                logger.warning("cannot run timedatectl: \(error)")
            }
        }
    }
}
