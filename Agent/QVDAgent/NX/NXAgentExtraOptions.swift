/// The checked content of the client parameter `qvd.client.nxagent.extra_args`.
///
/// Upstream appends the raw value to the nxagent options file (`upstream-vma.md` §3.2), so a
/// client could add `listen=`, `accept=`, `kill=<pid>`, `shadow=:0`, file paths for `errors=`
/// or `options=`, or enable channels the VM's configuration disabled. We accept only
/// comma-separated `name=value` items whose name is on the allow-list below and whose value
/// fits that option (`README.md`, "Where this project deliberately differs" 4). Everything
/// else is refused with an error naming the option and the reason.
///
/// Allowed, because each only tunes display, input or compression behaviour of this one
/// session, which the user may legitimately choose (the Perl client documents extra_args as
/// "defining custom link types"):
///
/// | option | values | what it does (nxagent(1), nxproxy(1)) |
/// |---|---|---|
/// | `clipboard` | both, client, server, none | direction of clipboard exchange |
/// | `keyconv` | auto, on, off | keycode conversion |
/// | `resize`, `composite`, `xinerama`, `menu`, `magicpixel`, `autodpi`, `autograb`, `backingstore`, `shmem`, `shpix`, `strict` | 0, 1 | feature switches |
/// | `defer` | 0, 1, 2 | image update deferral |
/// | `tile` | WxH, 32-4096 each | maximum tile size |
/// | `sleep` | 0-60000 | ms of delay while suspended |
/// | `copysize` | 0-1073741824 | clipboard paste limit in bytes |
/// | `data`, `stream` | 0-9 | ZLIB compression levels |
/// | `limit` | 0, or a bandwidth such as 512k, 2m | bitrate limit |
/// | `pack` | lower-case letters, digits, `-`, up to 32 | image compression method, e.g. `16m-jpeg-9` |
///
/// Refused on purpose (see ``refusalReason(for:)``): the five options with their own validated
/// parameter; channel and port options (`media`, `slave`, `cups`, `smb`, `aux`, `http`, `font`,
/// `file`, `listen`, `accept`, `connect`, `port`, `loopback`), which the VM configuration
/// decides; anything naming a file (`options`, `session`, `errors`, `stats`, `root`, `clients`,
/// `state`, `images`, `cache`); `cookie`; `kill`; `shadow*`; `rootless`; `core`;
/// `tolerancechecks`. Any option not in the allow-list is refused too.
public struct NXAgentExtraOptions: Equatable, Sendable {
    /// The x_start parameter this value comes from.
    public static let parameterKey = "qvd.client.nxagent.extra_args"

    /// One checked `name=value` item.
    public struct Item: Equatable, Sendable {
        public var name: String
        public var value: String
    }

    /// The items in the order the client gave them.
    public private(set) var items: [Item]

    /// No extra options.
    public init() { items = [] }

    /// Parses and checks a raw `qvd.client.nxagent.extra_args` value. Blank items (`a=1,,b=2`)
    /// and blanks around items are ignored; an empty value gives no options.
    public init(parsing raw: String) throws(NXAgentOptionsError) {
        var items: [Item] = []
        for rawItem in raw.split(separator: ",", omittingEmptySubsequences: false) {
            let item = rawItem.trimmingASCIIBlanks()
            if item.isEmpty { continue }
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty,
                  parts[0].unicodeScalars.allSatisfy({ CharacterSetASCII.isAlphanumeric($0) }) else {
                throw .malformedExtraOption(item: String(item))
            }
            let name = String(parts[0])
            let value = String(parts[1])
            guard let rule = Self.rules[name] else {
                throw .extraOptionNotAllowed(name: name, reason: Self.refusalReason(for: name))
            }
            guard rule.accepts(value) else {
                throw .invalidExtraOptionValue(name: name, value: value, expected: rule.expected)
            }
            items.append(Item(name: name, value: value))
        }
        self.items = items
    }

    /// The items as `name=value` strings, ready for the options file.
    public var renderedOptions: [String] { items.map { "\($0.name)=\($0.value)" } }

    /// The names of the options a client may pass, sorted.
    public static var allowedOptionNames: [String] { rules.keys.sorted() }

    /// Why `name` is not accepted.
    public static func refusalReason(for name: String) -> String {
        switch name {
        case "keyboard", "kbtype", "client", "link", "geometry", "fullscreen":
            return "it is set from its own qvd.client.* parameter, which is validated"
        case "media", "slave", "cups", "smb", "samba", "aux", "keybd", "http", "font", "file", "tolerancechecks":
            return "it is decided by the VM's configuration, not by the client"
        case "listen", "accept", "connect", "port", "loopback", "retry", "display":
            return "it would change where nxagent listens or connects"
        case "options", "session", "errors", "stats", "root", "clients", "state", "images", "cache", "keystrokefile":
            return "it names a file or storage on the VM"
        case "cookie":
            return "it carries authentication material"
        case "kill":
            return "it would make nxagent signal arbitrary processes"
        case "shadow", "shadowuid", "shadowmode":
            return "it would attach the session to another display"
        case "rootless", "type":
            return "it would change the kind of session the VMA manages"
        case "core":
            return "core dumps could leak session data"
        default:
            return "it is not on the allow-list"
        }
    }

    /// What each allowed option accepts.
    enum Rule: Sendable {
        case oneOf([String])
        case integer(ClosedRange<Int>)
        case tileSize
        case bandwidthOrZero
        case packMethod

        func accepts(_ value: String) -> Bool {
            switch self {
            case let .oneOf(values):
                return values.contains(value)
            case let .integer(range):
                return NXValueSyntax.integer(value, in: range)
            case .tileSize:
                let parts = value.split(separator: "x", omittingEmptySubsequences: false)
                guard parts.count == 2 else { return false }
                return parts.allSatisfy { NXValueSyntax.integer(String($0), in: 32...4096) }
            case .bandwidthOrZero:
                return value == "0" || NXValueSyntax.isBandwidth(value)
            case .packMethod:
                return (1...32).contains(value.utf8.count) && value.unicodeScalars.allSatisfy {
                    CharacterSetASCII.isDigit($0) || ("a"..."z").contains($0) || $0 == "-"
                }
            }
        }

        var expected: String {
            switch self {
            case let .oneOf(values): return "one of " + values.joined(separator: ", ")
            case let .integer(range): return "an integer from \(range.lowerBound) to \(range.upperBound)"
            case .tileSize: return "WIDTHxHEIGHT with each from 32 to 4096"
            case .bandwidthOrZero: return "0 or a bandwidth such as 512k, 2m"
            case .packMethod: return "a pack method name (lower-case letters, digits and -, up to 32)"
            }
        }
    }

    static let rules: [String: Rule] = {
        let bool = Rule.oneOf(["0", "1"])
        var rules: [String: Rule] = [
            "clipboard": .oneOf(["both", "client", "server", "none"]),
            "keyconv": .oneOf(["auto", "on", "off"]),
            "defer": .integer(0...2),
            "tile": .tileSize,
            "sleep": .integer(0...60000),
            "copysize": .integer(0...1_073_741_824),
            "data": .integer(0...9),
            "stream": .integer(0...9),
            "limit": .bandwidthOrZero,
            "pack": .packMethod,
        ]
        for name in ["resize", "composite", "xinerama", "menu", "magicpixel", "autodpi", "autograb",
                     "backingstore", "shmem", "shpix", "strict"] {
            rules[name] = bool
        }
        return rules
    }()
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    func trimmingASCIIBlanks() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
