/// The five x_start parameters that become nxagent options (`upstream-vma.md` §3.2), with
/// the values each accepts.
///
/// Every accepted value is made of ASCII letters, digits and `_ / + -` only, a subset of
/// upstream's `^[\w/\-\+]+$`, so no value can put `,` `=` `:` or a line break into the
/// options file. Upstream's charset check is the only one it does; the finer checks below are
/// ours (`README.md`, "Where this project deliberately differs" 4).
public enum NXAgentClientOption: String, CaseIterable, Hashable, Sendable {
    /// `keyboard=`: `query`, `clone` or `<model>/<layout>` such as `pc105/us` (nxagent(1)).
    /// The `rmlvo/…` form is refused: its XKB options need `:` and `,`.
    case keyboard = "qvd.client.keyboard"
    /// `client=`: the client's OS. The Perl client sends `linux`/`windows`/`darwin`, the Qt
    /// client `QSysInfo::kernelType()` (`linux`, `winnt`, `darwin`, `freebsd` …); nxagent knows
    /// `linux`, `windows`, `solaris`, `macosx`. Passed through as upstream does.
    case os = "qvd.client.os"
    /// `link=`: `modem isdn adsl wan lan local`, or a bandwidth such as `56k`, `1m`, `100m`
    /// (nxproxy(1)).
    case link = "qvd.client.link"
    /// `geometry=`: `WxH` or `WxH+X+Y` (X geometry, offsets may be `-`), W and H in 32…16384,
    /// offsets up to 16384; or nxagent's words `allscreens`, `onescreen`, `fullscreen`.
    case geometry = "qvd.client.geometry"
    /// `fullscreen=`: `0` or `1`.
    case fullscreen = "qvd.client.fullscreen"

    /// The x_start parameter this option comes from.
    public var parameterKey: String { rawValue }

    /// The nx/nx option name written to the options file.
    public var optionName: String {
        switch self {
        case .keyboard: "keyboard"
        case .os: "client"
        case .link: "link"
        case .geometry: "geometry"
        case .fullscreen: "fullscreen"
        }
    }

    /// Used when the parameter is missing and no configured default exists. Upstream instead
    /// dies on a missing key (`upstream-vma.md` §3.2 quirk); its unused `vma.default.client.*`
    /// defaults were `pc105/en` and `adsl`. `en` is no XKB layout, so ours is `pc105/us`.
    public var builtInDefault: String {
        switch self {
        case .keyboard: "pc105/us"
        case .os: "linux"
        case .link: "adsl"
        case .geometry: "1024x768"
        case .fullscreen: "0"
        }
    }

    /// The configuration key upstream's code looks up for a missing parameter
    /// (`vma.default.<full key>`, e.g. `vma.default.qvd.client.link`).
    public var upstreamDefaultKey: String { "vma.default." + rawValue }

    /// What a valid value looks like, for error messages.
    public var expectedValues: String {
        switch self {
        case .keyboard:
            "query, clone or MODEL/LAYOUT such as pc105/us (letters, digits, _ + -)"
        case .os:
            "one of " + Self.clientOperatingSystems.joined(separator: ", ")
        case .link:
            "one of " + Self.linkTypes.joined(separator: ", ") + ", or a bandwidth such as 56k, 1m, 100m"
        case .geometry:
            "WIDTHxHEIGHT or WIDTHxHEIGHT+X+Y with sizes 32-16384 and offsets up to 16384, or allscreens, onescreen, fullscreen"
        case .fullscreen:
            "0 or 1"
        }
    }

    /// Whether nxagent may be given `value` for this option.
    public func accepts(_ value: String) -> Bool {
        switch self {
        case .keyboard: Self.isKeyboard(value)
        case .os: Self.clientOperatingSystems.contains(value)
        case .link: Self.isLink(value)
        case .geometry: Self.isGeometry(value)
        case .fullscreen: value == "0" || value == "1"
        }
    }

    static let clientOperatingSystems = [
        "linux", "windows", "winnt", "darwin", "macosx", "solaris", "freebsd", "netbsd", "openbsd",
    ]
    static let linkTypes = ["modem", "isdn", "adsl", "wan", "lan", "local"]

    static func isKeyboard(_ value: String) -> Bool {
        if value == "query" || value == "clone" { return true }
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] != "rmlvo" else { return false }
        return NXValueSyntax.isToken(parts[0], extra: "_-", maxLength: 32)
            && NXValueSyntax.isToken(parts[1], extra: "_+-", maxLength: 64)
    }

    static func isLink(_ value: String) -> Bool {
        linkTypes.contains(value) || NXValueSyntax.isBandwidth(value)
    }

    static func isGeometry(_ value: String) -> Bool {
        if ["allscreens", "onescreen", "fullscreen"].contains(value) { return true }
        var rest = Substring(value)
        guard let width = NXValueSyntax.leadingNumber(&rest), rest.first == "x" else { return false }
        rest = rest.dropFirst()
        guard let height = NXValueSyntax.leadingNumber(&rest) else { return false }
        let sizes = 32...16384
        guard sizes.contains(width), sizes.contains(height) else { return false }
        if rest.isEmpty { return true }
        for _ in 0..<2 {
            guard let sign = rest.first, sign == "+" || sign == "-" else { return false }
            rest = rest.dropFirst()
            guard let offset = NXValueSyntax.leadingNumber(&rest), offset <= 16384 else { return false }
        }
        return rest.isEmpty
    }
}

/// Small syntax checks shared by the nx option validators. ASCII only, on purpose.
enum NXValueSyntax {
    /// 1…`maxLength` ASCII letters or digits, or characters of `extra`.
    static func isToken(_ text: some StringProtocol, extra: String, maxLength: Int) -> Bool {
        guard (1...maxLength).contains(text.utf8.count) else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            (scalar.isASCII && (CharacterSetASCII.isAlphanumeric(scalar))) || extra.unicodeScalars.contains(scalar)
        }
    }

    /// `56k`, `1m`, `100m`, `2g`: 1 to 5 digits without a leading zero, then k, m or g.
    static func isBandwidth(_ value: String) -> Bool {
        guard let unit = value.last, "kmg".contains(unit) else { return false }
        let number = value.dropLast()
        guard (1...5).contains(number.count), number.first != "0" else { return false }
        return number.unicodeScalars.allSatisfy(CharacterSetASCII.isDigit)
    }

    /// Removes and returns 1 to 5 leading ASCII digits of `text`.
    static func leadingNumber(_ text: inout Substring) -> Int? {
        let digits = text.prefix { $0.unicodeScalars.allSatisfy(CharacterSetASCII.isDigit) }
        guard (1...5).contains(digits.count), let number = Int(digits) else { return nil }
        text = text.dropFirst(digits.count)
        return number
    }

    /// A decimal integer of at most 10 digits within `range`.
    static func integer(_ value: String, in range: ClosedRange<Int>) -> Bool {
        guard (1...10).contains(value.count), value.unicodeScalars.allSatisfy(CharacterSetASCII.isDigit),
              let number = Int(value) else { return false }
        return range.contains(number)
    }
}

/// ASCII character classes (Foundation's `CharacterSet` would also accept non-ASCII letters).
enum CharacterSetASCII {
    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}
