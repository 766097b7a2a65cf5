/// The protocol-level decisions of one SFTP session, as a plain value (STYLE.md item 1):
/// the INIT/VERSION handshake, what to do with malformed, unknown and (in read-only mode)
/// modifying requests. It performs no I/O; `SFTPServer` carries out the returned action.
///
/// Where this differs from OpenSSH's `sftp-server` it says so: OpenSSH logs an unknown
/// message type and sends nothing (leaving the client waiting for a reply) and exits on a
/// request whose fields are truncated; this server answers `SSH_FX_OP_UNSUPPORTED` and
/// `SSH_FX_BAD_MESSAGE` respectively, since a well-framed bad packet cannot desynchronise
/// the stream.
public struct SFTPSessionStateMachine: Sendable {
    /// The SFTP version this server speaks.
    public static let protocolVersion: UInt32 = 3

    public enum State: Sendable, Hashable {
        case awaitingInitialize
        case established
        case closed
    }

    public enum Action: Sendable, Hashable {
        /// Send this reply; nothing else to do.
        case reply(SFTPResponse)
        /// Perform the request on the file system and send the outcome.
        case perform(SFTPRequest)
        /// Send nothing (an id-less unknown message).
        case ignore
        /// Stop serving: the peer broke the protocol.
        case close(reason: String)
    }

    public private(set) var state: State = .awaitingInitialize
    public let readOnly: Bool

    public init(readOnly: Bool) {
        self.readOnly = readOnly
    }

    /// A framed packet was decoded (or failed to decode).
    public mutating func received(_ decoded: Result<SFTPRequest, SFTPDecodeError>) -> Action {
        switch state {
        case .closed:
            return .close(reason: "session already closed")
        case .awaitingInitialize:
            guard case .success(.initialize) = decoded else {
                state = .closed
                switch decoded {
                case .success(let request):
                    return .close(reason: "received \(Self.describe(request)) before SSH_FXP_INIT")
                case .failure(let error):
                    return .close(reason: "\(error) before SSH_FXP_INIT")
                }
            }
            state = .established
            let extensions = SFTPExtension.advertised.map { SFTPExtensionPair(name: $0.name, data: $0.version) }
            return .reply(.version(version: Self.protocolVersion, extensions: extensions))
        case .established:
            switch decoded {
            case .failure(let error):
                guard let id = error.requestID else {
                    state = .closed
                    return .close(reason: error.description)
                }
                return .reply(.status(id: id, .badMessage))
            case .success(.initialize):
                state = .closed
                return .close(reason: "received a second SSH_FXP_INIT")
            case .success(.unknown(_, let id)):
                guard let id else { return .ignore }
                return .reply(.status(id: id, .operationUnsupported))
            case .success(.unknownExtended(let id, _)):
                return .reply(.status(id: id, .operationUnsupported))
            case .success(let request):
                if readOnly, request.modifiesFileSystem, let id = request.id {
                    return .reply(.status(id: id, .permissionDenied))
                }
                return .perform(request)
            }
        }
    }

    /// The stream ended or a framing error was found.
    public mutating func closed() {
        state = .closed
    }

    private static func describe(_ request: SFTPRequest) -> String {
        switch request {
        case .unknown(let type, _): return "message type \(type)"
        default: return "\(request)".prefix(while: { $0 != "(" }).description
        }
    }
}
