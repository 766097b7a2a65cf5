/// A strict JSON (RFC 8259) parser producing `SimpleRPCValue`, for the client side of
/// JSON-simplerpc. Accepts what JSON::XS's default decoder accepts: no comments, no
/// trailing commas, no raw control characters in strings, surrogate pairs only in pairs,
/// nesting up to 512 levels. Objects keep member order; a repeated key keeps its first
/// position and takes the last value (Perl hash semantics).
///
/// Kept apart from `SimpleRPCReplyDecoder` so it can be fuzzed on its own.
public struct SimpleRPCJSONParser {
    /// JSON::XS's default `max_depth`.
    public static let maximumDepth = 512

    /// A parse failure in the parser's own input coordinates.
    struct Failure: Error {
        var kind: SimpleRPCDecodingError.Kind
        var offset: Int
    }

    private let bytes: [UInt8]
    private var position = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses one JSON document (surrounding whitespace allowed).
    public static func parse(_ bytes: [UInt8]) throws(SimpleRPCDecodingError) -> SimpleRPCValue {
        do {
            return try parseDocument(bytes)
        } catch {
            throw SimpleRPCDecodingError(
                kind: error.kind, offset: error.offset, bodyLength: bytes.count,
                excerpt: SimpleRPCDecodingError.excerpt(of: bytes, around: error.offset))
        }
    }

    static func parseDocument(_ bytes: [UInt8]) throws(Failure) -> SimpleRPCValue {
        var parser = SimpleRPCJSONParser(bytes)
        parser.skipWhitespace()
        guard parser.position < bytes.count else { throw Failure(kind: .emptyBody, offset: 0) }
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw Failure(kind: .trailingData, offset: parser.position) }
        return value
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private func fail(_ kind: SimpleRPCDecodingError.Kind, at offset: Int? = nil) -> Failure {
        Failure(kind: kind, offset: offset ?? position)
    }

    private func unexpected(_ expected: String) -> Failure {
        position < bytes.count ? fail(.unexpectedByte(expected: expected)) : fail(.unexpectedEnd(expected: expected))
    }

    private mutating func parseValue(depth: Int) throws(Failure) -> SimpleRPCValue {
        guard position < bytes.count else { throw unexpected("a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw unexpected("a value")
        }
    }

    private mutating func parseLiteral(_ word: String) throws(Failure) {
        for expected in word.utf8 {
            guard position < bytes.count else { throw fail(.unexpectedEnd(expected: "'\(word)'")) }
            guard bytes[position] == expected else { throw fail(.unexpectedByte(expected: "'\(word)'")) }
            position += 1
        }
    }

    private mutating func parseArray(depth: Int) throws(Failure) -> SimpleRPCValue {
        guard depth <= Self.maximumDepth else { throw fail(.nestingTooDeep(limit: Self.maximumDepth)) }
        position += 1  // [
        var elements: [SimpleRPCValue] = []
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard position < bytes.count else { throw unexpected("',' or ']'") }
            switch bytes[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return .array(elements)
            default: throw unexpected("',' or ']'")
            }
        }
    }

    private mutating func parseObject(depth: Int) throws(Failure) -> SimpleRPCValue {
        guard depth <= Self.maximumDepth else { throw fail(.nestingTooDeep(limit: Self.maximumDepth)) }
        position += 1  // {
        var members: [SimpleRPCValue.Member] = []
        var indexOfKey: [String: Int] = [:]
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw unexpected("a string key") }
            let key = try parseString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw unexpected("':'") }
            position += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            if let existing = indexOfKey[key] {
                members[existing].value = value
            } else {
                indexOfKey[key] = members.count
                members.append(SimpleRPCValue.Member(key, value))
            }
            skipWhitespace()
            guard position < bytes.count else { throw unexpected("',' or '}'") }
            switch bytes[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return .object(members)
            default: throw unexpected("',' or '}'")
            }
        }
    }

    private mutating func parseString() throws(Failure) -> String {
        let start = position
        position += 1  // opening quote
        var utf8: [UInt8] = []
        while true {
            guard position < bytes.count else { throw fail(.unexpectedEnd(expected: "'\"' closing the string")) }
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: utf8, as: UTF8.self) else { throw fail(.invalidUTF8, at: start) }
                return text
            case UInt8(ascii: "\\"):
                try parseEscape(into: &utf8)
            case 0x00..<0x20:
                throw fail(.controlCharacterInString)
            default:
                utf8.append(byte)
                position += 1
            }
        }
    }

    private mutating func parseEscape(into utf8: inout [UInt8]) throws(Failure) {
        let escapeStart = position
        position += 1  // backslash
        guard position < bytes.count else { throw fail(.unexpectedEnd(expected: "an escape")) }
        let letter = bytes[position]
        position += 1
        switch letter {
        case UInt8(ascii: "\""): utf8.append(0x22)
        case UInt8(ascii: "\\"): utf8.append(0x5C)
        case UInt8(ascii: "/"): utf8.append(0x2F)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try parseHex4(escapeStart: escapeStart)
            var code = UInt32(unit)
            if (0xD800...0xDBFF).contains(unit) {
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
                else { throw fail(.unpairedSurrogate, at: escapeStart) }
                position += 2
                let low = try parseHex4(escapeStart: escapeStart)
                guard (0xDC00...0xDFFF).contains(low) else { throw fail(.unpairedSurrogate, at: escapeStart) }
                code = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw fail(.unpairedSurrogate, at: escapeStart)
            }
            guard let scalar = Unicode.Scalar(code) else { throw fail(.unpairedSurrogate, at: escapeStart) }
            utf8.append(contentsOf: String(Character(scalar)).utf8)
        default:
            throw fail(.invalidEscape, at: escapeStart)
        }
    }

    private mutating func parseHex4(escapeStart: Int) throws(Failure) -> UInt16 {
        guard position + 4 <= bytes.count else { throw fail(.unexpectedEnd(expected: "4 hex digits"), at: escapeStart) }
        var unit: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail(.invalidEscape, at: escapeStart)
            }
            unit = unit << 4 | UInt16(digit)
            position += 1
        }
        return unit
    }

    private mutating func parseNumber() throws(Failure) -> SimpleRPCValue {
        let start = position
        var isInteger = true
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw fail(.invalidNumber, at: start) }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count && isDigit(bytes[position]) { throw fail(.invalidNumber, at: start) }
        } else {
            while position < bytes.count && isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count && bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw fail(.invalidNumber, at: start) }
            while position < bytes.count && isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count && (bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E")) {
            isInteger = false
            position += 1
            if position < bytes.count && (bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")) {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else { throw fail(.invalidNumber, at: start) }
            while position < bytes.count && isDigit(bytes[position]) { position += 1 }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger, let integer = Int(text) { return .integer(integer) }
        // Too big for an integer, or fractional: Perl would hold an NV too.
        guard let double = Double(text) else { throw fail(.invalidNumber, at: start) }
        return .double(double)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
