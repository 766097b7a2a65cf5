import Testing

@testable import QVDSFTP

@Suite("SFTP session state machine")
struct SFTPSessionStateMachineTests {
    @Test("INIT is answered with VERSION 3 and the extensions")
    func handshake() {
        var machine = SFTPSessionStateMachine(readOnly: false)
        let action = machine.received(.success(.initialize(version: 6)))
        guard case .reply(.version(let version, let extensions)) = action else {
            Issue.record("expected VERSION, got \(action)")
            return
        }
        #expect(version == 3)
        #expect(extensions.map { String(decoding: $0.name, as: UTF8.self) } == [
            "posix-rename@openssh.com", "statvfs@openssh.com", "fstatvfs@openssh.com", "hardlink@openssh.com", "fsync@openssh.com",
        ])
        #expect(machine.state == .established)
    }

    @Test("a request before INIT closes the session")
    func requestBeforeInit() {
        var machine = SFTPSessionStateMachine(readOnly: false)
        guard case .close = machine.received(.success(.stat(id: 1, path: b(".")))) else {
            Issue.record("expected close")
            return
        }
        #expect(machine.state == .closed)
    }

    @Test("a second INIT closes the session")
    func duplicateInit() {
        var machine = SFTPSessionStateMachine(readOnly: false)
        _ = machine.received(.success(.initialize(version: 3)))
        guard case .close = machine.received(.success(.initialize(version: 3))) else {
            Issue.record("expected close")
            return
        }
    }

    @Test("unknown messages get OP_UNSUPPORTED; id-less ones are ignored")
    func unknown() {
        var machine = SFTPSessionStateMachine(readOnly: false)
        _ = machine.received(.success(.initialize(version: 3)))
        #expect(machine.received(.success(.unknown(type: 90, id: 4))) == .reply(.status(id: 4, .operationUnsupported)))
        #expect(machine.received(.success(.unknownExtended(id: 5, name: b("copy-data")))) == .reply(.status(id: 5, .operationUnsupported)))
        #expect(machine.received(.success(.unknown(type: 90, id: nil))) == .ignore)
        #expect(machine.state == .established)
    }

    @Test("malformed requests with an id get BAD_MESSAGE; without one the session closes")
    func malformed() {
        var machine = SFTPSessionStateMachine(readOnly: false)
        _ = machine.received(.success(.initialize(version: 3)))
        let withID = SFTPDecodeError(.truncated(field: "path"), packetType: 17, requestID: 8)
        #expect(machine.received(.failure(withID)) == .reply(.status(id: 8, .badMessage)))
        guard case .close = machine.received(.failure(SFTPDecodeError(.truncated(field: "id"), packetType: 17))) else {
            Issue.record("expected close")
            return
        }
    }

    @Test("read-only refuses every modifying request and lets reads through")
    func readOnly() {
        var machine = SFTPSessionStateMachine(readOnly: true)
        _ = machine.received(.success(.initialize(version: 3)))
        let refused: [SFTPRequest] = [
            .open(id: 1, path: b("f"), flags: [.write], attributes: .empty),
            .open(id: 1, path: b("f"), flags: [.read, .create], attributes: .empty),
            .open(id: 1, path: b("f"), flags: [.read, .truncate], attributes: .empty),
            .open(id: 1, path: b("f"), flags: [.append], attributes: .empty),
            .write(id: 1, handle: [0, 0, 0, 0], offset: 0, data: []),
            .setstat(id: 1, path: b("f"), attributes: .empty),
            .fsetstat(id: 1, handle: [0, 0, 0, 0], attributes: .empty),
            .remove(id: 1, path: b("f")),
            .mkdir(id: 1, path: b("d"), attributes: .empty),
            .rmdir(id: 1, path: b("d")),
            .rename(id: 1, oldPath: b("a"), newPath: b("b")),
            .symlink(id: 1, target: b("a"), linkPath: b("b")),
            .posixRename(id: 1, oldPath: b("a"), newPath: b("b")),
            .hardlink(id: 1, oldPath: b("a"), newPath: b("b")),
            .fsync(id: 1, handle: [0, 0, 0, 0]),
        ]
        for request in refused {
            #expect(machine.received(.success(request)) == .reply(.status(id: 1, .permissionDenied)), "\(request)")
        }
        let allowed: [SFTPRequest] = [
            .open(id: 1, path: b("f"), flags: [.read], attributes: .empty),
            .read(id: 1, handle: [0, 0, 0, 0], offset: 0, length: 10),
            .stat(id: 1, path: b("f")), .lstat(id: 1, path: b("f")), .opendir(id: 1, path: b(".")),
            .readlink(id: 1, path: b("l")), .realpath(id: 1, path: b(".")), .statvfs(id: 1, path: b("/")),
        ]
        for request in allowed {
            #expect(machine.received(.success(request)) == .perform(request), "\(request)")
        }
    }
}
