import Testing
@testable import QVDL7RStub

struct VMListJSONTests {
    @Test func emptyListIsBracketsAndNewline() {
        #expect(VMListJSON.encode([]) == "[]\n")
    }

    @Test func nonASCIIAndControlCharactersAreEscaped() {
        #expect(VMListJSON.quote("Año \"x\"\\\n😀/") == "\"A\\u00f1o \\\"x\\\"\\\\\\n\\ud83d\\ude00/\"")
    }

    @Test func flagsAreIntegers() {
        let body = VMListJSON.encode([.init(id: 5, name: "A", state: "running", blocked: true, isApplication: true)])
        #expect(body == "[\n   {\n      \"id\" : 5,\n      \"name\" : \"A\",\n      \"state\" : \"running\",\n      \"blocked\" : 1,\n      \"is_application\" : 1\n   }\n]\n")
    }
}
