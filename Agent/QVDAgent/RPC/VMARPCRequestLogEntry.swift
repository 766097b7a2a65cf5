import Logging
import NIOCore
import QVDCore

/// The one log line written per request: who asked, what, the status answered and how long
/// it took, e.g.
///
///     ... INFO vma.rpc: GET /vma/x_state 200 ms=0.21 peer=10.0.0.1:48812 rpc=x_state
///
/// Parameter values never appear at INFO. At DEBUG the query's parameters are added with
/// the values of secret keys (`qvd.slave.key`, `auth_token`, passwords) and any secret
/// inside other values masked by `LogRedactor` (spec README, deliberate fix 4), whatever
/// log handler the `Logger` uses.
struct VMARPCRequestLogEntry: Sendable {
    /// The longest path written; longer ones are cut (a request line may be 8 KiB).
    static let maxPathLength = 200

    var peer: String
    /// `GET`, …, or nil for a head that could not be read.
    var httpMethod: String?
    var path: String?
    var status: HTTPStatus
    var duration: Duration
    /// The SimpleRPC method called, if the request reached the service.
    var rpcMethod: String?
    /// `ok` or `error` for a SimpleRPC reply.
    var rpcResult: String?
    /// Why the answer is an error (404 reason, malformed head).
    var note: String?
    var parameters: [QueryParameter] = []

    /// The message: `<METHOD> <path> <status>`, or `malformed request <status>`.
    var message: String {
        guard let httpMethod, let path else { return "malformed request \(status.code)" }
        return "\(httpMethod) \(Self.shortened(path)) \(status.code)"
    }

    /// The metadata; parameters only when `includeParameters`, always redacted.
    func metadata(includeParameters: Bool, redactor: LogRedactor) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "peer": .string(peer),
            "ms": .string(Self.milliseconds(duration)),
        ]
        if let rpcMethod { metadata["rpc"] = .string(rpcMethod) }
        if let rpcResult { metadata["result"] = .string(rpcResult) }
        if let note { metadata["reason"] = .string(redactor.redact(note)) }
        if includeParameters, !parameters.isEmpty {
            metadata["params"] = .string(Self.render(parameters, redactor: redactor))
        }
        return metadata
    }

    /// Writes the line: INFO for answered requests, NOTICE for malformed ones.
    func write(to logger: Logger, redactor: LogRedactor) {
        let level: Logger.Level = httpMethod == nil ? .notice : .info
        let includeParameters = logger.logLevel <= .debug
        logger.log(level: level, "\(message)", metadata: metadata(includeParameters: includeParameters, redactor: redactor))
    }

    /// `name=value&name…`, values of secret keys masked.
    static func render(_ parameters: [QueryParameter], redactor: LogRedactor) -> String {
        redactor.redact(parameters: parameters.map { (key: $0.name, value: $0.value) })
            .map { parameter in parameter.value.map { "\(parameter.key)=\($0)" } ?? parameter.key }
            .joined(separator: "&")
    }

    /// `host:port`, `[v6]:port`; an IPv4 client reaching the IPv6 wildcard socket is shown
    /// by its IPv4 address (`::ffff:10.0.0.1` → `10.0.0.1`).
    static func describe(_ address: SocketAddress?) -> String {
        guard let address, var ip = address.ipAddress, let port = address.port else {
            return address.map { "\($0)" } ?? "-"
        }
        let mappedPrefix = "::ffff:"
        if ip.lowercased().hasPrefix(mappedPrefix), ip.contains(".") {
            ip.removeFirst(mappedPrefix.count)
        }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let micros = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        let whole = micros / 1000
        let fraction = micros % 1000
        let padded = String(fraction)
        return "\(whole)." + String(repeating: "0", count: 3 - padded.count) + padded
    }

    static func shortened(_ path: String) -> String {
        guard path.utf8.count > maxPathLength else { return path }
        return String(decoding: path.utf8.prefix(maxPathLength), as: UTF8.self) + "..."
    }
}
