/// One VM of `GET /qvd/list_of_vm` (`upstream-l7r-protocol.md` §4).
///
/// The real L7R sends integers and may send `"blocked" : null`; test doubles and other
/// builds send strings or booleans (`c-list-json-*.txt`, `p-list-json-*.txt`). Every form
/// is accepted: `id` as a number or numeric string; `blocked`/`is_application` as a
/// number, bool, string (`"0"`, `"1"`, `"true"`) or null (= false).
public struct VMListEntry: Sendable, Hashable, Decodable {
    public var id: Int
    public var name: String
    public var state: String
    public var blocked: Bool
    public var isApplication: Bool

    public init(id: Int, name: String, state: String, blocked: Bool = false, isApplication: Bool = false) {
        self.id = id
        self.name = name
        self.state = state
        self.blocked = blocked
        self.isApplication = isApplication
    }

    enum CodingKeys: String, CodingKey {
        case id, name, state, blocked
        case isApplication = "is_application"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try Self.integer(container, .id)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        state = try container.decodeIfPresent(String.self, forKey: .state) ?? ""
        blocked = try Self.flag(container, .blocked)
        isApplication = try Self.flag(container, .isApplication)
    }

    private static func integer(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Int {
        if let value = try? container.decode(Int.self, forKey: key) { return value }
        if let text = try? container.decode(String.self, forKey: key), let value = Int(text) { return value }
        if let value = try? container.decode(Double.self, forKey: key), let exact = Int(exactly: value) { return exact }
        throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "\(key.rawValue) is not a whole number")
    }

    private static func flag(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Bool {
        guard container.contains(key), !(try container.decodeNil(forKey: key)) else { return false }
        if let value = try? container.decode(Bool.self, forKey: key) { return value }
        if let value = try? container.decode(Int.self, forKey: key) { return value != 0 }
        if let text = try? container.decode(String.self, forKey: key) {
            switch text.lowercased() {
            case "", "0", "false", "no", "f": return false
            case "1", "true", "yes", "t": return true
            default: break
            }
        }
        throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "\(key.rawValue) is not a flag")
    }
}
