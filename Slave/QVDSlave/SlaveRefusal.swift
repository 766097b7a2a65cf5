import QVDCore

/// A request refused: the error response that answers it (and ends it). The error side of
/// the routers' and policies' decisions.
public struct SlaveRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public var response: HTTPErrorResponse

    public init(_ response: HTTPErrorResponse) {
        self.response = response
    }

    public init(status: HTTPStatus, message: String? = nil, headers: HTTPHeaders = HTTPHeaders(),
                closesConnection: Bool? = nil) {
        self.init(HTTPErrorResponse(status: status, message: message, headers: headers, closesConnection: closesConnection))
    }

    public var status: HTTPStatus { response.head.status }
    public var closesConnection: Bool { response.closesConnection }
    public var description: String { "\(status)" }
}
