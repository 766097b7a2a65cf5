import QVDCore
import Testing

/// Bodies byte for byte as the Perl VMA sent them (transcript.norm.txt: S1 ping, x_state,
/// x_start errors, S70 expire) and upstream-vma-observed.md §3.
@Suite("SimpleRPCReply")
struct SimpleRPCReplyTests {
    @Test func contentType() {
        #expect(SimpleRPCReply.contentType == "application/json-simplerpc")
    }

    @Test func successBodies() {
        #expect(SimpleRPCReply.success("starting").body == Array("\"starting\"\n\r\n".utf8))
        #expect(SimpleRPCReply.success("starting").body.count == 13)
        #expect(SimpleRPCReply.success("stopped").body.count == 12)
        #expect(SimpleRPCReply.success(nil).body == Array("null\n\r\n".utf8))
        #expect(SimpleRPCReply.success(nil).body.count == 7)
        #expect(SimpleRPCReply.success(1).body == Array("1\n\r\n".utf8))
        #expect(SimpleRPCReply.success(1).body.count == 4)
    }

    @Test func errorBodyInStateListening() {
        let reply = SimpleRPCReply.failure(message: "Unable to start/resume X session in state listening, try again in a few minutes\n")
        let expected = "\"\",\"Unable to start/resume X session in state listening, try again in a few minutes\\n\"\n\r\n"
        #expect(reply.body == Array(expected.utf8))
        #expect(reply.body.count == 89)
    }

    @Test func errorBodyInStateConnected() {
        let reply = SimpleRPCReply.perlDie("Can't connect to X session in state connected, suspending it, retry later")
        #expect(reply == .failure(message: "Can't connect to X session in state connected, suspending it, retry later\n"))
        #expect(reply.body == Array("\"\",\"Can't connect to X session in state connected, suspending it, retry later\\n\"\n\r\n".utf8))
        #expect(reply.body.count == 83)
    }

    @Test func errorBodyWithQuotes() {
        let reply = SimpleRPCReply.perlDie("Can't call method \"server_close\" on an undefined value at /x/VMA.pm line 1027.\n")
        #expect(reply.body == Array("\"\",\"Can't call method \\\"server_close\\\" on an undefined value at /x/VMA.pm line 1027.\\n\"\n\r\n".utf8))
    }

    @Test func perlDieKeepsAnExistingNewline() {
        #expect(SimpleRPCReply.perlDie("x\n") == .failure(message: "x\n"))
    }

    @Test func nonASCIIErrorMessage() {
        #expect(SimpleRPCReply.failure(message: "é😀").body == Array("\"\",\"\\u00e9\\ud83d\\ude00\"\n\r\n".utf8))
    }
}
