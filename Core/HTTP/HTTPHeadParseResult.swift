/// What a head parser says after looking at the bytes it was given.
public enum HTTPHeadParseResult<Head: Sendable & Hashable>: Sendable, Hashable {
    /// The head is not complete yet: call again with the same bytes plus more.
    case needMoreData
    /// The head is complete and is the first `length` bytes given (leading blank lines
    /// and the blank line that ends it included). Every byte after them belongs to the
    /// next consumer: a body, the next request, or the upgraded protocol.
    case complete(Head, length: Int)
    /// The head is malformed; the connection cannot be used for HTTP any more.
    case failed(HTTPHeadError)
}
