import Foundation

/// The answer of `GET /qvd/list_of_vm`: decoding, the `-l` table and the `--json` form.
public struct VMList: Sendable, Hashable {
    public var entries: [VMListEntry]

    public init(_ entries: [VMListEntry]) {
        self.entries = entries
    }

    /// Decodes the JSON body; the error names what was wrong.
    public static func decode(_ body: [UInt8]) throws(ClientError) -> VMList {
        do {
            return VMList(try JSONDecoder().decode([VMListEntry].self, from: Data(body)))
        } catch {
            let preview = String(decoding: body.prefix(120), as: UTF8.self)
            throw ClientError(.protocolError, phase: .listingVMs,
                              "the server's VM list is not the JSON array expected (\(Self.reason(error))): \(preview)")
        }
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        case DecodingError.keyNotFound(let key, _): return "missing \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return context.debugDescription
        default: return "\(error)"
        }
    }

    public func entry(id: Int) -> VMListEntry? {
        entries.first { $0.id == id }
    }

    /// The `-l` table, the Perl CLI's columns (`p-list.txt`): Id, State, Name, Blocked.
    public var table: String {
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
        }
        var lines = [pad("Id", 8) + pad("State", 11) + pad("Name", 40) + "Blocked"]
        lines.append(String(repeating: "=", count: 66))
        for vm in entries {
            lines.append(pad(String(vm.id), 8) + pad(vm.state, 11) + pad(vm.name, 40) + (vm.blocked ? "1" : "0"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `--json`: upstream's compact array of objects with integer flags, keys in a fixed
    /// order (upstream's order is random, `upstream-clients-observed.md` §5.7).
    public var json: String {
        let objects = entries.map { vm in
            "{\"id\":\(vm.id),\"name\":\(Self.quote(vm.name)),\"state\":\(Self.quote(vm.state)),"
                + "\"blocked\":\(vm.blocked ? 1 : 0),\"is_application\":\(vm.isApplication ? 1 : 0)}"
        }
        return "[" + objects.joined(separator: ",") + "]\n"
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value > 0x7E {
                    // ASCII-escaped, as upstream's JSON->ascii (UTF-16 units).
                    for unit in String(scalar).utf16 {
                        let hex = String(unit, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
