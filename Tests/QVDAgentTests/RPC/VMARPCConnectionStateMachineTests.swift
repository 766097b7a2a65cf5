import QVDCore
import Testing

@testable import QVDAgent

extension VMARPCTests {
    /// Every transition of one RPC connection, without a socket.
    @Suite("VMARPCConnectionStateMachine")
    struct VMARPCConnectionStateMachineTests {
        typealias Machine = VMARPCConnectionStateMachine
        static let head = HTTPRequestHead(method: "GET", target: "/vma/ping")
        static let badVersion = HTTPHeadError(kind: .unsupportedVersion("HTTP/1.0"), status: .httpVersionNotSupported)

        @Test func idleTimerUntilTheFirstByteThenTheHeadTimer() {
            var machine = Machine()
            #expect(machine.timer == .idle)
            let idleGeneration = machine.generation
            machine.bytesReceived()
            #expect(machine.timer == .requestHead)
            let headGeneration = machine.generation
            #expect(headGeneration != idleGeneration)
            // More bytes do not restart the head timer: trickling does not buy time.
            machine.bytesReceived()
            #expect(machine.generation == headGeneration)
            // The stale idle timer does nothing; the head timer closes.
            #expect(machine.timerFired(generation: idleGeneration) == nil)
            #expect(machine.timerFired(generation: headGeneration) == .close)
            #expect(machine.state == .closed)
            #expect(machine.timer == nil)
        }

        @Test func aRequestIsHandledWithoutTimerThenTheIdleTimerRestarts() {
            var machine = Machine()
            machine.bytesReceived()
            #expect(machine.requestReceived(Self.head, peerIsReading: true) == .handle(Self.head))
            #expect(machine.state == .handling)
            #expect(machine.timer == nil)
            #expect(machine.replyFinished(closesConnection: false) == nil)
            #expect(machine.state == .awaitingRequest(bytesSeen: false))
            #expect(machine.timer == .idle)
        }

        @Test func bytesDuringARequestStartTheHeadTimerAfterIt() {
            var machine = Machine()
            _ = machine.requestReceived(Self.head, peerIsReading: true)
            machine.bytesReceived()
            #expect(machine.replyFinished(closesConnection: false) == nil)
            #expect(machine.timer == .requestHead)
        }

        @Test func aRequestWaitsWhileThePeerDoesNotRead() {
            var machine = Machine()
            #expect(machine.requestReceived(Self.head, peerIsReading: false) == nil)
            #expect(machine.state == .stalled(Self.head))
            #expect(machine.timer == .stalled)
            #expect(machine.peerStartedReading() == .handle(Self.head))
            #expect(machine.state == .handling)
            #expect(machine.peerStartedReading() == nil)
        }

        @Test func aStalledPeerIsClosedByItsTimer() {
            var machine = Machine()
            _ = machine.requestReceived(Self.head, peerIsReading: false)
            #expect(machine.timerFired(generation: machine.generation) == .close)
        }

        @Test func errorsThatCloseShutOurSideAndLinger() {
            var machine = Machine()
            #expect(machine.malformedRequestReceived(Self.badVersion) == .answerMalformed(Self.badVersion))
            #expect(machine.replyFinished(closesConnection: true) == .closeOutputThenLinger)
            #expect(machine.state == .lingering)
            #expect(machine.timer == .linger)
            #expect(machine.inputDidClose() == .close)
            #expect(machine.state == .closed)
        }

        @Test func lingeringEndsAtItsTimer() {
            var machine = Machine()
            _ = machine.malformedRequestReceived(Self.badVersion)
            _ = machine.replyFinished(closesConnection: true)
            #expect(machine.timerFired(generation: machine.generation) == .close)
        }

        @Test func anErrorAfterTheClientHalfClosedClosesAtOnce() {
            var machine = Machine()
            _ = machine.malformedRequestReceived(Self.badVersion)
            #expect(machine.inputDidClose() == nil)
            #expect(machine.replyFinished(closesConnection: true) == .close)
            #expect(machine.state == .closed)
        }

        @Test func halfCloseAnswersTheRequestInProgressThenCloses() {
            var machine = Machine()
            _ = machine.requestReceived(Self.head, peerIsReading: true)
            #expect(machine.inputDidClose() == nil)
            #expect(machine.replyFinished(closesConnection: false) == .close)
            #expect(machine.state == .closed)
        }

        @Test func halfCloseWhileWaitingClosesAtOnce() {
            var machine = Machine()
            #expect(machine.inputDidClose() == .close)
        }

        @Test func halfCloseKeepsAStalledRequestToAnswer() {
            var machine = Machine()
            _ = machine.requestReceived(Self.head, peerIsReading: false)
            #expect(machine.inputDidClose() == nil)
            #expect(machine.peerStartedReading() == .handle(Self.head))
            #expect(machine.replyFinished(closesConnection: false) == .close)
        }

        @Test func quiesceClosesIdleConnectionsAtOnceAndBusyOnesAfterTheirReply() {
            var idle = Machine()
            #expect(idle.quiesceRequested() == .close)

            var busy = Machine()
            _ = busy.requestReceived(Self.head, peerIsReading: true)
            #expect(busy.quiesceRequested() == nil)
            #expect(busy.replyFinished(closesConnection: false) == .close)

            var stalled = Machine()
            _ = stalled.requestReceived(Self.head, peerIsReading: false)
            #expect(stalled.quiesceRequested() == .close)
        }

        @Test func nothingHappensAfterClose() {
            var machine = Machine()
            machine.channelClosed()
            #expect(machine.state == .closed)
            #expect(machine.requestReceived(Self.head, peerIsReading: true) == nil)
            #expect(machine.malformedRequestReceived(Self.badVersion) == nil)
            #expect(machine.replyFinished(closesConnection: false) == nil)
            #expect(machine.timerFired(generation: machine.generation) == nil)
            #expect(machine.timer == nil)
        }

        @Test func aSecondHeadWhileHandlingIsAProtocolViolation() {
            var machine = Machine()
            _ = machine.requestReceived(Self.head, peerIsReading: true)
            #expect(machine.requestReceived(Self.head, peerIsReading: true) == .close)
        }
    }

    /// The request log line's pieces.
    @Suite("VMARPCRequestLogEntry")
    struct VMARPCRequestLogEntryTests {
        @Test func secretsAreMaskedInParameters() {
            let rendered = VMARPCRequestLogEntry.render(
                [
                    QueryParameter("qvd.slave.key", "K1"), QueryParameter("auth_token", "T1"),
                    QueryParameter("qvd.vm.user.name", "bob"), QueryParameter("flag", nil),
                    QueryParameter("qvd.vm.user.password", "P1"),
                ],
                redactor: .standard
            )
            #expect(rendered == "qvd.slave.key=***&auth_token=***&qvd.vm.user.name=bob&flag&qvd.vm.user.password=***")
        }

        @Test func durationsAreMillisecondsWithThreeDecimals() {
            #expect(VMARPCRequestLogEntry.milliseconds(.microseconds(1234)) == "1.234")
            #expect(VMARPCRequestLogEntry.milliseconds(.microseconds(5)) == "0.005")
            #expect(VMARPCRequestLogEntry.milliseconds(.seconds(2)) == "2000.000")
        }

        @Test func messagesAndLongPaths() {
            var entry = VMARPCRequestLogEntry(peer: "p", httpMethod: "GET", path: "/vma/ping", status: .ok, duration: .zero)
            #expect(entry.message == "GET /vma/ping 200")
            entry.path = "/" + String(repeating: "a", count: 500)
            #expect(entry.message.utf8.count == "GET ".utf8.count + 200 + "... 200".utf8.count)
            entry.httpMethod = nil
            entry.status = .badRequest
            #expect(entry.message == "malformed request 400")
        }
    }
}
