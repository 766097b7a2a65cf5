import QVDCore
import Testing

@Suite("SimpleRPCReplyDecoder")
struct SimpleRPCReplyDecoderTests {
    private func decode(_ text: String) throws -> SimpleRPCReply {
        try SimpleRPCReply.decode(body: Array(text.utf8))
    }

    private func failure(_ text: String) -> SimpleRPCDecodingError? {
        #expect(throws: SimpleRPCDecodingError.self) { try SimpleRPCReply.decode(body: Array(text.utf8)) }
    }

    @Test func upstreamBodiesFromTheTranscript() throws {
        #expect(try decode("\"starting\"\n\r\n") == .success("starting"))
        #expect(try decode("null\n\r\n") == .success(nil))
        #expect(try decode("1\n\r\n") == .success(1))
        #expect(try decode("\"\",\"Unable to start/resume X session in state listening, try again in a few minutes\\n\"\n\r\n")
            == .failure(message: "Unable to start/resume X session in state listening, try again in a few minutes\n"))
    }

    @Test func toleratesMissingOrPartialLineEnds() throws {
        #expect(try decode("\"stopped\"") == .success("stopped"))
        #expect(try decode("\"stopped\"\n") == .success("stopped"))
        #expect(try decode("\r\n  \"stopped\"\r\n") == .success("stopped"))
    }

    @Test(arguments: [
        SimpleRPCValue.null, true, 0, -7, 0.5, "plain", "é 😀 \u{1} \"q\" \\", [], [:],
        [1, "two", [3.25, nil]], ["b": ["c": [true]], "a": "z"],
    ])
    func successRoundTrips(value: SimpleRPCValue) throws {
        #expect(try SimpleRPCReply.decode(body: SimpleRPCReply.success(value).body) == .success(value))
    }

    @Test(arguments: ["", "boom\n", "with \"quotes\" and é\n"])
    func failureRoundTrips(message: String) throws {
        #expect(try SimpleRPCReply.decode(body: SimpleRPCReply.failure(message: message).body) == .failure(message: message))
    }

    @Test func twoOrMoreElementsAreAFailureWithElementOne() throws {
        #expect(try decode("\"\",\"first\",\"second\"") == .failure(message: "first"))
        #expect(try decode("1,2") == .failure(message: "2"))
        #expect(try decode("\"\",null") == .failure(message: ""))
        #expect(try decode("\"\",{\"a\":[1]}") == .failure(message: "{\"a\":[1]}"))
    }

    @Test func emptyBodies() {
        #expect(failure("")?.kind == .emptyBody)
        #expect(failure("  \r\n")?.kind == .emptyBody)
    }

    @Test func malformedBodiesGiveTypedErrorsWithOffsets() {
        let unterminated = failure("\"abc")
        #expect(unterminated?.kind == .unexpectedEnd(expected: "',' or ']'") || unterminated?.kind == .unexpectedEnd(expected: "'\"' closing the string"))
        #expect(unterminated?.offset == 4)

        let missingValue = failure("{\"state\": bogus}")
        #expect(missingValue?.kind == .unexpectedByte(expected: "a value"))
        #expect(missingValue?.offset == 10)
        #expect(missingValue?.description
            == #"malformed JSON-simplerpc reply: expected a value at byte 10 of 16, near "{\"state\": bogus}""#)

        #expect(failure("\"a\\qb\"")?.kind == .invalidEscape)
        #expect(failure("\"a\\qb\"")?.offset == 2)
        #expect(failure("\"\\ud800\"")?.kind == .unpairedSurrogate)
        #expect(failure("\"\\udc00x\"")?.kind == .unpairedSurrogate)
        #expect(failure("\"a\u{1}b\"")?.kind == .controlCharacterInString)
        #expect(failure("01")?.kind == .invalidNumber)
        #expect(failure("1.")?.kind == .invalidNumber)
        #expect(failure("-")?.kind == .invalidNumber)
        #expect(failure("nul")?.kind == .unexpectedByte(expected: "'null'"))
        #expect(failure("[1,]")?.kind == .unexpectedByte(expected: "a value"))
        #expect(failure("{\"a\" 1}")?.kind == .unexpectedByte(expected: "':'"))
        #expect(failure("{1:2}")?.kind == .unexpectedByte(expected: "a string key"))
        #expect(failure("\"a\" \"b\"")?.kind == .unexpectedByte(expected: "',' or ']'"))
        let early = failure("\"a\"],[\"b\"")
        #expect(early?.kind == .trailingData)
        #expect(early?.offset == 4)
    }

    @Test func invalidUTF8InAString() throws {
        let error = #expect(throws: SimpleRPCDecodingError.self) {
            try SimpleRPCReply.decode(body: [0x22, 0x61, 0xFF, 0x22])
        }
        #expect(error?.kind == .invalidUTF8)
        #expect(error?.offset == 0)
        #expect(error?.excerpt == "\\\"a\\xFF\\\"")
    }

    @Test func anHTMLErrorPageIsRejectedAtByteZero() {
        let error = failure("<html><body>502 Bad Gateway</body></html>\r\n")
        #expect(error?.kind == .unexpectedByte(expected: "a value"))
        #expect(error?.offset == 0)
        #expect(error?.excerpt == "<html><body>502 ...")
    }

    @Test func excerptIsShortAndEscaped() {
        let body = "\"" + String(repeating: "a", count: 100) + "\u{1}" + String(repeating: "b", count: 20) + "\""
        let error = failure(body)
        #expect(error?.offset == 101)
        #expect(error?.excerpt == "..." + String(repeating: "a", count: 16) + "\\x01" + String(repeating: "b", count: 15) + "...")
    }

    @Test func nestingIsLimited() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(failure(deep)?.kind == .nestingTooDeep(limit: 512))
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try SimpleRPCReply.decode(body: Array(fine.utf8)) }
    }
}
