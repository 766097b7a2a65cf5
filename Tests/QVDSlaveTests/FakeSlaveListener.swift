#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QVDCore
import SystemPackage

/// What nxproxy's `slave=<port>` plus nxagent's `NX_SLAVE_CMD` amount to, without NX: a
/// loopback TCP listener that runs a fresh `qvd-vma-slaveserver` per connection with the
/// connection on its stdin/stdout (spec README, measured facts).
final class FakeSlaveListener: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var handles: [ChildProcessHandle] = []
    private var stopped = false

    init(program: String, environment: [String: String]) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 8) == 0 else { throw TestFailure("cannot listen") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 {
                    if errno == EINTR { continue }
                    return
                }
                Task {
                    if let handle = try? await ChildProcess.start(ChildProcessConfiguration(
                        executable: program, environment: .exactly(environment),
                        standardInput: .fileDescriptor(FileDescriptor(rawValue: connection), closeAfterSpawn: false),
                        standardOutput: .fileDescriptor(FileDescriptor(rawValue: connection), closeAfterSpawn: false))) {
                        self.lock.withLock { self.handles.append(handle) }
                    }
                    close(connection)
                }
            }
        }
    }

    /// Stops listening and ends every server still running.
    func stop() async {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        let running = lock.withLock { handles }
        for handle in running where handle.isRunning {
            _ = try? await handle.terminate(grace: .seconds(1))
        }
    }
}
