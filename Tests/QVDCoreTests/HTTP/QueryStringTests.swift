import Testing

@testable import QVDCore

struct QueryStringTests {
    @Test("the transcript's custom.note decodes as the VMA's hooks saw it (S36)")
    func transcriptNote() {
        let parameters = QueryString.decode("custom.note=caf%C3%A9+%26+b%C3%A1r%3D1%2F2%25")
        #expect(parameters == [QueryParameter("custom.note", "café & bár=1/2%")])
    }

    @Test("duplicated keys keep their order; the last one wins on lookup")
    func duplicates() {
        let parameters = QueryString.decode("custom.dup=first&custom.dup=second&custom.flag")
        #expect(parameters == [
            QueryParameter("custom.dup", "first"),
            QueryParameter("custom.dup", "second"),
            QueryParameter("custom.flag", nil),
        ])
        #expect(parameters.last(named: "custom.dup")?.value == "second")
        #expect(parameters.last(named: "custom.flag") == QueryParameter("custom.flag", nil))
        #expect(parameters.last(named: "missing") == nil)
    }

    @Test("odd encodings of step S32: %zz kept, + is a space, key without =, empty pieces skipped")
    func oddEncodings() {
        #expect(QueryString.decode("a=%zz&b=1+2&flag&&=v&c=%41%42") == [
            QueryParameter("a", "%zz"),
            QueryParameter("b", "1 2"),
            QueryParameter("flag", nil),
            QueryParameter("", "v"),
            QueryParameter("c", "AB"),
        ])
    }

    @Test("malformed escapes are kept literally")
    func malformedEscapes() {
        #expect(QueryString.decode("a=%G1&b=%4&c=%&d=%%41&e=100%") == [
            QueryParameter("a", "%G1"),
            QueryParameter("b", "%4"),
            QueryParameter("c", "%"),
            QueryParameter("d", "%A"),
            QueryParameter("e", "100%"),
        ])
    }

    @Test("the first = splits; later ones belong to the value; a=  is empty, not nil")
    func equalsSigns() {
        #expect(QueryString.decode("a=b=c&d=&&&") == [QueryParameter("a", "b=c"), QueryParameter("d", "")])
        #expect(QueryString.decode("") == [])
        #expect(QueryString.decode("&") == [])
    }

    @Test("+ and %2B, lower-case hex, encoded names")
    func plusAndCase() {
        #expect(QueryString.decode("a%2Bb=c%2bd+e&x%3dy=1") == [QueryParameter("a+b", "c+d e"), QueryParameter("x=y", "1")])
    }

    @Test("invalid UTF-8 becomes U+FFFD in strings, and stays exact in bytes")
    func invalidUTF8() {
        #expect(QueryString.decode("a=%FF&b=%C3") == [QueryParameter("a", "\u{FFFD}"), QueryParameter("b", "\u{FFFD}")])
        #expect(QueryString.decodeBytes("a=%FF%41&b") == [
            QueryString.RawParameter(name: [0x61], value: [0xFF, 0x41]),
            QueryString.RawParameter(name: [0x62], value: nil),
        ])
    }

    @Test("encoding keeps only unreserved characters")
    func encoding() {
        #expect(QueryString.percentEncode("pc105/es") == "pc105%2Fes")
        #expect(QueryString.percentEncode("café & bár=1/2%") == "caf%C3%A9%20%26%20b%C3%A1r%3D1%2F2%25")
        #expect(QueryString.percentEncode("A-Z.a_z~09") == "A-Z.a_z~09")
        #expect(QueryString.encode([
            QueryParameter("id", "7"),
            QueryParameter("qvd.client.keyboard", "pc105/us"),
            QueryParameter("custom.flag", nil),
            QueryParameter("custom.empty", ""),
        ]) == "id=7&qvd.client.keyboard=pc105%2Fus&custom.flag&custom.empty=")
    }

    @Test("encode then decode gives the parameters back")
    func roundTrip() {
        let parameters = [
            QueryParameter("qvd.client.geometry", "1024x768"),
            QueryParameter("custom.note", "café & bár=1/2% +x"),
            QueryParameter("custom.flag", nil),
            QueryParameter("ключ", "значение"),
        ]
        #expect(QueryString.decode(QueryString.encode(parameters)) == parameters)
    }

    @Test("path decoding keeps +")
    func percentDecode() {
        #expect(QueryString.percentDecode("/a+b%20c%2") == "/a+b c%2")
        #expect(QueryString.percentDecode("a+b", plusAsSpace: true) == "a b")
    }
}
