/// The merged, layered configuration of one component, with typed getters.
///
/// Layers are ordered by kind, lowest first: built-in defaults < system file
/// (`/etc/qvd/vma.conf`, `/etc/qvd/client.conf`) < user file (`~/.qvd/client.conf`) <
/// environment < command line; layers of the same kind keep the order given. The
/// highest layer that sets a key wins (as upstream's chained `Config::Properties`
/// objects do, `upstream-vma.md §9`).
///
/// `${other.key}` references are expanded when a value is read, against this merged view,
/// so a default such as `log.filename = ${path.log}/qvd.log` follows a `path.log` set in
/// any layer. A reference to a key set nowhere, or a cycle, is an error naming the keys
/// and where they are set (upstream dies with "Configuration entry for … missing", or
/// recurses forever).
///
/// Components read this once into typed views (`LogConfiguration`, STYLE.md §4) and use
/// fields, never strings.
public struct Configuration: Sendable {
    /// The layers, in precedence order (lowest first).
    public let layers: [ConfigLayer]
    /// The table of known keys, if one was given: enables unknown-key warnings and type
    /// checks in `validate()`.
    public let schema: ConfigDefaultsTable?
    /// Warnings from every layer: duplicate keys, encodings, and unknown keys (in files,
    /// the environment and the command line) with a suggestion when one is near.
    public let warnings: [ConfigWarning]

    private let effective: [String: ConfigEntry]

    /// Merges `layers`. With a `schema`, keys outside the defaults layer that the table
    /// does not know produce warnings. The schema's defaults are *not* added: pass
    /// `schema.layer` among the layers (tests often leave it out).
    public init(layers: [ConfigLayer], schema: ConfigDefaultsTable? = nil) {
        let ordered = layers.enumerated()
            .sorted { ($0.element.kind, $0.offset) < ($1.element.kind, $1.offset) }
            .map(\.element)
        self.layers = ordered
        self.schema = schema

        var effective: [String: ConfigEntry] = [:]
        var warnings: [ConfigWarning] = []
        for layer in ordered {
            for entry in layer.entries { effective[entry.key] = entry }
            var layerWarnings = layer.warnings
            if let schema, layer.kind != .defaults {
                var warned = Set<String>()
                for entry in layer.entries where !schema.isKnown(entry.key) && warned.insert(entry.key).inserted {
                    layerWarnings.append(ConfigWarning(
                        .unknownKey(key: entry.key, suggestion: schema.suggestion(for: entry.key)),
                        source: entry.source))
                }
            }
            warnings += layerWarnings.enumerated()
                .sorted { ($0.element.source.line ?? 0, $0.offset) < ($1.element.source.line ?? 0, $1.offset) }
                .map(\.element)
        }
        self.effective = effective
        self.warnings = warnings
    }

    /// The usual stack for a component: its defaults, the system file, the user file
    /// (both optional unless said otherwise), the component's environment variables and
    /// the command-line settings.
    public static func load(
        schema: ConfigDefaultsTable,
        systemFile: String?,
        systemFileRequired: Bool = false,
        userFile: String? = nil,
        environment: [String: String] = [:],
        commandLine: [(option: String, key: String, value: String)] = []
    ) throws(ConfigError) -> Configuration {
        var layers = [schema.layer]
        if let systemFile {
            layers.append(try .file(at: systemFile, kind: .systemFile, optional: !systemFileRequired))
        }
        if let userFile {
            layers.append(try .file(at: userFile, kind: .userFile, optional: true))
        }
        layers.append(schema.environmentLayer(environment))
        layers.append(.commandLine(commandLine))
        return Configuration(layers: layers, schema: schema)
    }

    // MARK: - Raw access

    /// Every key set in some layer, sorted.
    public var keys: [String] {
        effective.keys.sorted()
    }

    /// True when some layer sets `key` (possibly to an empty value).
    public func contains(_ key: String) -> Bool {
        effective[key] != nil
    }

    /// The winning setting for `key`, unexpanded, with its source.
    public func entry(_ key: String) -> ConfigEntry? {
        effective[key]
    }

    /// Every setting of `key`, lowest layer first; the last one is the effective one.
    public func history(of key: String) -> [ConfigEntry] {
        layers.flatMap { layer in layer.entries.filter { $0.key == key } }
    }

    /// The keys set under `prefix` (e.g. `client.share.` or `vma.on_action.`), sorted with
    /// numbers in numeric order (`client.share.2` before `client.share.10`).
    public func keys(withPrefix prefix: String) -> [String] {
        effective.keys.filter { $0.hasPrefix(prefix) }.sorted(by: Self.naturalOrder)
    }

    // MARK: - Expanded values

    /// The expanded value of `key` with its source, or `nil` when no layer sets it.
    public func value(_ key: String) throws(ConfigError) -> ConfigValue? {
        guard let entry = effective[key] else { return nil }
        var references: [ConfigEntry] = []
        let expanded = try expand(entry, stack: [entry], references: &references)
        return ConfigValue(key: key, value: expanded, entry: entry, references: references)
    }

    private func expand(_ entry: ConfigEntry, stack: [ConfigEntry],
                        references: inout [ConfigEntry]) throws(ConfigError) -> String {
        if ConfigTemplate.isPlain(entry.value) { return entry.value }
        let template: ConfigTemplate
        switch ConfigTemplate.parse(entry.value) {
        case let .success(parsed): template = parsed
        case let .failure(problem):
            throw .malformedReference(key: entry.key, value: entry.value, problem: problem.text, source: entry.source)
        }
        var result = ""
        for segment in template.segments {
            switch segment {
            case let .literal(text):
                result += text
            case let .reference(name):
                guard let target = effective[name] else {
                    throw .missingReference(reference: name, key: entry.key, source: entry.source)
                }
                if let start = stack.firstIndex(where: { $0.key == name }) {
                    let cycle = stack[start...]
                    throw .interpolationCycle(chain: cycle.map(\.key) + [name], sources: cycle.map(\.source))
                }
                if !references.contains(target) { references.append(target) }
                result += try expand(target, stack: stack + [target], references: &references)
            }
        }
        return result
    }

    // MARK: - Typed getters

    /// The expanded value of a key that must be set (by some layer or the defaults).
    public func string(_ key: String) throws(ConfigError) -> String {
        try required(key).value
    }

    /// The expanded value, or `nil` when no layer sets the key.
    public func optionalString(_ key: String) throws(ConfigError) -> String? {
        try value(key)?.value
    }

    /// A boolean: `1/0`, `yes/no`, `true/false`, `on/off` (any case); empty is false.
    public func bool(_ key: String) throws(ConfigError) -> Bool {
        try convert(required(key), expected: Self.booleanExpectation) { ConfigValueParser.bool($0) }
    }

    /// A boolean, or `nil` when no layer sets the key.
    public func optionalBool(_ key: String) throws(ConfigError) -> Bool? {
        guard let value = try value(key) else { return nil }
        return try convert(value, expected: Self.booleanExpectation) { ConfigValueParser.bool($0) }
    }

    /// An integer, in `radix` (8 for modes like `vma.user.umask`), optionally within `range`.
    public func int(_ key: String, in range: ClosedRange<Int>? = nil, radix: Int = 10) throws(ConfigError) -> Int {
        try integer(required(key), range: range, radix: radix)
    }

    /// An integer, or `nil` when no layer sets the key.
    public func optionalInt(_ key: String, in range: ClosedRange<Int>? = nil, radix: Int = 10) throws(ConfigError) -> Int? {
        guard let value = try value(key) else { return nil }
        return try integer(value, range: range, radix: radix)
    }

    /// A decimal number, optionally within `range`.
    public func double(_ key: String, in range: ClosedRange<Double>? = nil) throws(ConfigError) -> Double {
        let value = try required(key)
        let expected = range.map { "a number from \(Self.format($0.lowerBound)) to \(Self.format($0.upperBound))" } ?? "a number"
        return try convert(value, expected: expected) { text in
            guard let number = ConfigValueParser.double(text) else { return nil }
            if let range, !range.contains(number) { return nil }
            return number
        }
    }

    /// The value split into items (see `ConfigListStyle`); an empty value is an empty list.
    public func list(_ key: String, style: ConfigListStyle = .commasOrWhitespace) throws(ConfigError) -> [String] {
        try listValue(required(key), style: style)
    }

    /// A list, or `nil` when no layer sets the key.
    public func optionalList(_ key: String, style: ConfigListStyle = .commasOrWhitespace) throws(ConfigError) -> [String]? {
        guard let value = try value(key) else { return nil }
        return try listValue(value, style: style)
    }

    /// A path: `~` or `~/…` becomes `home` (the relevant user's home directory: the
    /// session user's for the VMA, `$HOME` for the client), and a relative path is taken
    /// relative to `base` when one is given (e.g. `path.ssl.ca.personal = certs` under
    /// `~/.qvd`). Trailing slashes are dropped. Empty values are an error.
    public func path(_ key: String, home: String? = nil, relativeTo base: String? = nil) throws(ConfigError) -> String {
        try pathValue(required(key), home: home, base: base)
    }

    /// A path, or `nil` when no layer sets the key or it is set to an empty value (the
    /// way upstream disables a hook or a command).
    public func optionalPath(_ key: String, home: String? = nil, relativeTo base: String? = nil) throws(ConfigError) -> String? {
        guard let value = try value(key), !value.value.isEmpty else { return nil }
        return try pathValue(value, home: home, base: base)
    }

    /// One of a fixed set of words, compared case-insensitively; returns the spelling
    /// from `options`.
    public func choice(_ key: String, from options: [String]) throws(ConfigError) -> String {
        let value = try required(key)
        return try convert(value, expected: "one of \(options.joined(separator: ", "))") { text in
            options.first { $0.lowercased() == text.lowercased() }
        }
    }

    /// A value parsed by `parse` (for typed views with their own enums); `expected`
    /// completes the error sentence "… is not …".
    public func typed<T>(_ key: String, expected: String, _ parse: (String) -> T?) throws(ConfigError) -> T {
        try convert(required(key), expected: expected, parse)
    }

    // MARK: - Whole-configuration check

    /// Expands every key and checks each against its type in `schema`; returns every
    /// problem found (an empty array means the configuration is usable). A cycle is
    /// reported once, not once per key on it.
    public func validate() -> [ConfigError] {
        var errors: [ConfigError] = []
        var seenCycles = Set<Set<String>>()
        for key in keys {
            do throws(ConfigError) {
                guard let value = try value(key) else { continue }
                if let kind = schema?[key]?.kind, let problem = check(value, as: kind) {
                    errors.append(problem)
                }
            } catch {
                if case let .interpolationCycle(chain, _) = error {
                    guard seenCycles.insert(Set(chain)).inserted else { continue }
                }
                if !errors.contains(error) { errors.append(error) }
            }
        }
        return errors
    }

    /// The error reading `value` as `kind` would give, or `nil` when it is fine.
    public func check(_ value: ConfigValue, as kind: ConfigValueKind) -> ConfigError? {
        do throws(ConfigError) {
            switch kind {
            case .text, .path:
                return nil
            case .boolean:
                _ = try convert(value, expected: Self.booleanExpectation) { ConfigValueParser.bool($0) }
            case let .integer(range):
                guard !value.value.isEmpty else { return nil }  // "no value" keys such as ports left empty
                _ = try integer(value, range: range, radix: 10)
            case .octal:
                _ = try integer(value, range: nil, radix: 8)
            case .number:
                guard !value.value.isEmpty else { return nil }
                _ = try convert(value, expected: "a number") { ConfigValueParser.double($0) }
            case .list:
                _ = try listValue(value, style: .commasOrWhitespace)
            case .words:
                _ = try listValue(value, style: .shellWords)
            case let .choice(options):
                _ = try convert(value, expected: "one of \(options.joined(separator: ", "))") { text in
                    options.first { $0.lowercased() == text.lowercased() }
                }
            }
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Helpers

    private static let booleanExpectation = "a boolean (1/0, yes/no, true/false, on/off)"

    private func required(_ key: String) throws(ConfigError) -> ConfigValue {
        guard let value = try value(key) else { throw .missingKey(key: key) }
        return value
    }

    private func convert<T>(_ value: ConfigValue, expected: String, _ parse: (String) -> T?) throws(ConfigError) -> T {
        guard let result = parse(value.value) else {
            throw .invalidValue(key: value.key, value: value.value, expected: expected, source: value.source)
        }
        return result
    }

    private func integer(_ value: ConfigValue, range: ClosedRange<Int>?, radix: Int) throws(ConfigError) -> Int {
        var expected = radix == 8 ? "an octal number (digits 0-7)" : "an integer"
        if let range { expected += " from \(range.lowerBound) to \(range.upperBound)" }
        return try convert(value, expected: expected) { text in
            guard let number = ConfigValueParser.int(text, radix: radix) else { return nil }
            if let range, !range.contains(number) { return nil }
            return number
        }
    }

    private func listValue(_ value: ConfigValue, style: ConfigListStyle) throws(ConfigError) -> [String] {
        try convert(value, expected: "a list of arguments (a quote is not closed, or it ends in a lone backslash)") {
            ConfigValueParser.list($0, style: style)
        }
    }

    private func pathValue(_ value: ConfigValue, home: String?, base: String?) throws(ConfigError) -> String {
        var path = value.value
        if path.isEmpty {
            throw .invalidValue(key: value.key, value: path, expected: "a path (it is empty)", source: value.source)
        }
        if path == "~" || path.hasPrefix("~/") {
            guard let home, !home.isEmpty else {
                throw .invalidValue(key: value.key, value: path,
                                    expected: "a usable path here: it starts with '~' but no home directory is known",
                                    source: value.source)
            }
            path = Self.join(home, String(path.dropFirst(path == "~" ? 1 : 2)))
        } else if path.hasPrefix("~") {
            throw .invalidValue(key: value.key, value: path,
                                expected: "a supported path: only '~/' (the user's own home) may start a path",
                                source: value.source)
        } else if !path.hasPrefix("/"), let base {
            path = Self.join(base, path)
        }
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }

    private static func join(_ directory: String, _ name: String) -> String {
        if name.isEmpty { return directory }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }

    /// Orders strings with runs of digits compared as numbers.
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        var left = Substring(a), right = Substring(b)
        while let l = left.first, let r = right.first {
            if l.isASCII, l.isNumber, r.isASCII, r.isNumber {
                let leftDigits = left.prefix { $0.isASCII && $0.isNumber }
                let rightDigits = right.prefix { $0.isASCII && $0.isNumber }
                let leftTrimmed = leftDigits.drop { $0 == "0" }, rightTrimmed = rightDigits.drop { $0 == "0" }
                if leftTrimmed.count != rightTrimmed.count { return leftTrimmed.count < rightTrimmed.count }
                if leftTrimmed != rightTrimmed { return leftTrimmed < rightTrimmed }
                left = left.dropFirst(leftDigits.count)
                right = right.dropFirst(rightDigits.count)
            } else {
                if l != r { return l < r }
                left = left.dropFirst()
                right = right.dropFirst()
            }
        }
        return left.isEmpty && !right.isEmpty
    }
}
