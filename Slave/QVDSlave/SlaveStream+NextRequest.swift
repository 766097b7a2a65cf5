import Logging
import QVDCore

extension SlaveStream {
    /// The next request head of a keep-alive slave connection, or `nil` when the connection
    /// is over: at the end of the stream, or after answering a malformed head (400, 431, …)
    /// or a body longer than `maxBodyBytes` (413) itself. The caller reads or skips the body.
    public func nextRequestHead(maxBodyBytes: Int, logger: Logger) throws(SlaveError) -> HTTPRequestHead? {
        switch try readRequestHead() {
        case .endOfStream:
            return nil
        case .malformed(let error):
            logger.warning("malformed request: \(error)")
            try send(HTTPErrorResponse(error))
            return nil
        case .head(let head):
            guard head.contentLength ?? 0 <= maxBodyBytes else {
                try send(HTTPErrorResponse(status: .payloadTooLarge, closesConnection: true))
                return nil
            }
            return head
        }
    }
}
