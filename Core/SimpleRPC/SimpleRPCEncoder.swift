#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Encodes a `SimpleRPCValue` byte for byte as upstream's Perl
/// `JSON::XS->new->ascii->pretty->allow_nonref` does (`upstream-vma.md §1.4`,
/// RPCServer.pm 57-63; observed bytes in `transcripts/vma/transcript.norm.txt`):
///
/// * **ascii**: every character above U+007F becomes `\uxxxx` with lower-case hex,
///   characters above U+FFFF a UTF-16 surrogate pair (`😀` → `\ud83d\ude00`). DEL (U+007F)
///   and `/` stay literal. Escapes: `\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`; other control
///   characters `\u00xx`.
/// * **pretty** (`indent`, `space_before`, `space_after`): 3 spaces per level, one member
///   or element per line, `"key" : value`, `[]` and `{}` for empty containers.
/// * **allow_nonref**: a bare scalar is a valid top-level value (`"starting"`, `null`, `1`).
/// * A newline follows the top-level value (JSON::XS adds it whenever `indent` is on).
///
/// Numbers: integers in decimal; doubles as Perl prints an NV (`%.15g`: `0.5`, `3`, `1e+20`).
/// JSON::XS would print `inf`/`nan` (not JSON); we write `null` for non-finite doubles.
/// Strings are encoded as Unicode characters; upstream strings that Perl held as raw UTF-8
/// bytes would instead come out as one `\u00xx` per byte.
public enum SimpleRPCEncoder {
    /// Pretty, ASCII-only, with the trailing newline: the body of a success reply minus its CR LF.
    public static func encodePretty(_ value: SimpleRPCValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        write(value, into: &out, indent: 0, pretty: true)
        out.append(UInt8(ascii: "\n"))
        return out
    }

    /// Compact and ASCII-only (`JSON::XS->new->ascii->allow_nonref`), no trailing newline.
    public static func encodeCompact(_ value: SimpleRPCValue) -> [UInt8] {
        var out: [UInt8] = []
        write(value, into: &out, indent: 0, pretty: false)
        return out
    }

    /// `encodeCompact` as a String (always ASCII).
    public static func compactString(_ value: SimpleRPCValue) -> String {
        String(decoding: encodeCompact(value), as: UTF8.self)
    }

    private static let indentStep = 3

    private static func write(_ value: SimpleRPCValue, into out: inout [UInt8], indent: Int, pretty: Bool) {
        switch value {
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool(let flag):
            out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let number):
            out.append(contentsOf: String(number).utf8)
        case .double(let number):
            out.append(contentsOf: formatDouble(number).utf8)
        case .string(let text):
            writeString(text, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            if !elements.isEmpty {
                newline(&out, pretty)
                for (index, element) in elements.enumerated() {
                    indentation(&out, indent + 1, pretty)
                    write(element, into: &out, indent: indent + 1, pretty: pretty)
                    if index < elements.count - 1 {
                        out.append(UInt8(ascii: ","))
                        newline(&out, pretty)
                    }
                }
                newline(&out, pretty)
                indentation(&out, indent, pretty)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            if !members.isEmpty {
                newline(&out, pretty)
                for (index, member) in members.enumerated() {
                    indentation(&out, indent + 1, pretty)
                    writeString(member.key, into: &out)
                    out.append(contentsOf: (pretty ? " : " : ":").utf8)
                    write(member.value, into: &out, indent: indent + 1, pretty: pretty)
                    if index < members.count - 1 {
                        out.append(UInt8(ascii: ","))
                        newline(&out, pretty)
                    }
                }
                newline(&out, pretty)
                indentation(&out, indent, pretty)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(_ out: inout [UInt8], _ pretty: Bool) {
        if pretty { out.append(UInt8(ascii: "\n")) }
    }

    private static func indentation(_ out: inout [UInt8], _ level: Int, _ pretty: Bool) {
        if pretty { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * indentStep)) }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            let code = scalar.value
            switch code {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])  // \"
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])  // \\
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x20..<0x80: out.append(UInt8(code))
            case 0x10000...:
                let offset = code - 0x10000
                writeUnicodeEscape(0xD800 + (offset >> 10), into: &out)
                writeUnicodeEscape(0xDC00 + (offset & 0x3FF), into: &out)
            default:
                writeUnicodeEscape(code, into: &out)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func writeUnicodeEscape(_ unit: UInt32, into out: inout [UInt8]) {
        out.append(0x5C)
        out.append(UInt8(ascii: "u"))
        for shift in stride(from: 12, through: 0, by: -4) {
            out.append(hexDigits[Int((unit >> UInt32(shift)) & 0xF)])
        }
    }

    /// Perl's NV stringification (`%.15g`, NV_DIG digits).
    static func formatDouble(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        var buffer = [CChar](repeating: 0, count: 64)
        let count = withVaList([number]) { arguments in
            buffer.withUnsafeMutableBufferPointer { pointer in
                vsnprintf(pointer.baseAddress, pointer.count, "%.15g", arguments)
            }
        }
        guard count > 0 else { return "null" }
        let bytes = buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }
        // A program that called setlocale could get a decimal comma; JSON needs a point.
        return String(decoding: bytes.map { $0 == UInt8(ascii: ",") ? UInt8(ascii: ".") : $0 }, as: UTF8.self)
    }
}
