import Logging
import QVDCore

extension L7RExchange {
    /// `perform`, showing each `102 Processing` text on `console` as progress
    /// (`ConnectProgressDisplay`) and logging it; the progress is cleared when the
    /// answer (or an error) comes, so what is printed next starts on a clean line.
    public mutating func perform(
        _ request: HTTPRequestHead, phase: ClientPhase, vmID: Int? = nil, console: any ClientConsole, logger: Logger
    ) async throws(ClientError) -> L7RResponse {
        let display = ConnectProgressDisplay(console: console)
        defer { display.finish() }
        return try await perform(request, phase: phase, vmID: vmID) { text in
            logger.info("progress", metadata: ["info": "\(text)"])
            display.show(text)
        }
    }
}
