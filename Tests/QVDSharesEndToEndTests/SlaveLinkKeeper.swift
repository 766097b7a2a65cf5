import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Keeps nxagent's main loop awake while a test moves bulk data client → VM: one keep-alive
/// slave connection through nxproxy's slave port asking the VM's slave server `GET /shares`
/// every 5 ms. Without X activity nxagent leaves data-token replies queued and client → VM
/// traffic stalls for 5 s at a time (`nx-slave-channel-limits.md` §3.4: "a small ping on
/// another slave channel every ≤10 ms" removes the stalls), which would make the timings of
/// the 64 MiB and 1000-file checks a matter of luck.
final class SlaveLinkKeeper: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    /// Requests answered so far.
    let answers = Atomic<Int>(0)

    init(port: Int, key: String) {
        let request = Array("GET /shares HTTP/1.1\r\nAuthorization: Basic \(key)\r\n\r\n".utf8)
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
            var limit = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 65536)
            while !stopped.load(ordering: .sequentiallyConsistent) {
                guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else { return }
                guard buffer.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) > 0 else { return }
                answers.add(1, ordering: .relaxed)
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
