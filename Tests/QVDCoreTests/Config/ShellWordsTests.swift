import Testing
@testable import QVDCore

@Suite("ShellWords")
struct ShellWordsTests {
    @Test("quotes and escapes", arguments: [
        ("", [String]()),
        ("   ", []),
        ("a b\tc", ["a", "b", "c"]),
        ("'a b' \"c d\"", ["a b", "c d"]),
        ("x'y z'w", ["xy zw"]),
        ("''", [""]),
        ("a\\ b", ["a b"]),
        ("\"a \\\"q\\\" \\n\"", ["a \"q\" \\n"]),
        ("'$HOME' *.txt", ["$HOME", "*.txt"]),
        ("a\rb", ["a", "b"]),
    ])
    func split(text: String, words: [String]) {
        #expect(ShellWords.split(text) == .success(words))
    }

    @Test("unterminated quotes and a trailing backslash fail")
    func failures() {
        #expect(ShellWords.split("'a") == .failure(.unterminatedSingleQuote))
        #expect(ShellWords.split("\"a") == .failure(.unterminatedDoubleQuote))
        #expect(ShellWords.split("\"a\\") == .failure(.unterminatedDoubleQuote))
        #expect(ShellWords.split("a\\") == .failure(.trailingBackslash))
    }
}
