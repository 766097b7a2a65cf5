import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Keeps nxagent's main loop awake while a test moves bulk data client → VM: one keep-alive
/// connection to nxagent's own slave listener (11000 + display, on the VM side) sending
/// `GET /ping` to the client's slave server every 5 ms, without waiting for the answers
/// (they are drained as they come). Without X activity nxagent leaves data-token replies
/// queued and client → VM traffic stalls for 5 s at a time (`nx-slave-channel-limits.md`
/// §3.4), which would make the timings of the 64 MiB and 1000-file checks a matter of luck.
/// Measured with `Benchmarks/slave`: raw client → VM 3.7–4.7 MB/s with a client-side,
/// answer-waiting ping; 12–17 MB/s with this one.
final class SlaveLinkKeeper: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    /// Answers (`HTTP/1.1 ` status lines) received so far.
    let answers = Atomic<Int>(0)

    init(port: Int, key: String) {
        let request = Array("GET /ping HTTP/1.1\r\nAuthorization: Basic \(key)\r\n\r\n".utf8)
        let marker = Array("HTTP/1.1 ".utf8)
        Thread.detachNewThread { [self] in
            defer { finished.store(true, ordering: .sequentiallyConsistent) }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { return }
            defer { close(fd) }
            var address = SharesSessionRig.loopback(port: port)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 65536)
            while !stopped.load(ordering: .sequentiallyConsistent) {
                _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                while true {
                    let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                    if count == 0 { return }
                    guard count > 0 else { break }
                    let received = buffer[0..<count]
                    var found = 0
                    var index = received.startIndex
                    while let range = received[index...].firstRange(of: marker) {
                        found += 1
                        index = range.upperBound
                    }
                    answers.add(found, ordering: .relaxed)
                }
                usleep(5_000)
            }
        }
    }

    /// Stops the pings and waits (up to 3 s) for the thread to close its connection.
    func stop() async {
        stopped.store(true, ordering: .sequentiallyConsistent)
        let deadline = ContinuousClock.now + .seconds(3)
        while !finished.load(ordering: .sequentiallyConsistent), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
