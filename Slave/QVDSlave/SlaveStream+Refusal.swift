#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import QVDCore
import SystemPackage

extension SlaveStream {
    /// For a slave server that cannot work (no configuration, no key: nothing can be
    /// checked): says why on stderr (the NX log of its side), answers the first request with
    /// 503 so the other side shows a reason rather than a closed connection, and exits 1.
    public func refuseFirstRequestAndExit(program: String, side: String, because error: any Error) -> Never {
        _ = try? FileDescriptor.standardError.writeAll(Array("\(program): \(error)\n".utf8))
        if case .head = (try? readRequestHead()) ?? .endOfStream {
            try? send(HTTPErrorResponse(status: .serviceUnavailable,
                                        message: "The slave channel is not ready on the \(side): \(error)\n",
                                        closesConnection: true))
            discardPendingInput()
        }
        exit(1)
    }
}
