/// Why bytes could not be decoded as an SFTP message. Carries the message type and request
/// id when they were readable, so the server can still answer `SSH_FX_BAD_MESSAGE`.
public struct SFTPDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// The length field announces more than the limit (the stream cannot be trusted).
        case oversized(length: UInt32, limit: Int)
        /// A packet of length 0: it has no type byte.
        case empty
        /// The packet ended inside `field`.
        case truncated(field: String)
        /// A path or name contained a NUL byte, which no file name can hold.
        case embeddedNUL(field: String)
        /// A reply type that is not part of SFTP version 3 (only when decoding replies).
        case unknownResponseType(UInt8)
        /// A status code outside SFTP version 3's range (only when decoding replies).
        case unknownStatusCode(UInt32)
    }

    public var reason: Reason
    public var packetType: UInt8?
    public var requestID: UInt32?

    public init(_ reason: Reason, packetType: UInt8? = nil, requestID: UInt32? = nil) {
        self.reason = reason
        self.packetType = packetType
        self.requestID = requestID
    }

    public var description: String {
        let what: String
        switch reason {
        case .oversized(let length, let limit):
            what = "packet length \(length) exceeds the limit of \(limit) bytes"
        case .empty:
            what = "packet of length 0 has no message type"
        case .truncated(let field):
            what = "packet ends inside field '\(field)'"
        case .embeddedNUL(let field):
            what = "field '\(field)' contains a NUL byte"
        case .unknownResponseType(let type):
            what = "unknown reply type \(type)"
        case .unknownStatusCode(let code):
            what = "unknown status code \(code)"
        }
        var context = ""
        if let packetType { context += " (message type \(packetType)" }
        if let requestID { context += context.isEmpty ? " (request id \(requestID)" : ", request id \(requestID)" }
        if !context.isEmpty { context += ")" }
        return "Malformed SFTP packet: \(what)\(context)."
    }
}
