/// The content of nxagent's options file (`internal.vma.nxagent.config`, `${path.run}/nxagent.conf`),
/// built and validated from the x_start parameters (`upstream-vma.md` §3.2).
///
/// The file is one line: `nx/nx,` + comma-joined options + `:<display>` + LF, e.g.
/// `nx/nx,keyboard=pc105/us,client=linux,link=lan,geometry=1024x768,fullscreen=0,tolerancechecks=risky:100`
/// (`upstream-vma-observed.md` §3). The options, in this order:
/// 1. `keyboard client link geometry fullscreen` from ``NXAgentClientOption``. A missing
///    parameter falls back to the configured default, then the built-in one (upstream dies;
///    `README.md`, deliberate difference 3). An **empty** value leaves the option out, as
///    upstream does (the Perl client may send an empty `qvd.client.fullscreen`). Upstream writes
///    these five in Perl hash order; the transcripts sort them, so any fixed order matches.
/// 2. `media=1` when audio is enabled, `slave=1` when the slave channel is enabled.
/// 3. `tolerancechecks=<value>` unless configured empty.
/// 4. The allow-listed items of `qvd.client.nxagent.extra_args` (``NXAgentExtraOptions``).
/// 5. `cups=<2000+D>`, or `smb=<2000+D>` for a Windows client, when printing is enabled in the
///    VMA and `qvd.client.printing.enabled` is true in Perl's sense (not empty, not `0`).
///
/// Every value is checked, so nothing a client sends can add `,`, `=`, `:` or a line break.
/// The file holds no secret; nxagent reads it as the desktop user, so it is written 0644
/// (``SessionStateFiles/optionsFileMode``), atomically (temporary file + rename) as upstream.
public struct NXAgentOptions: Equatable, Sendable {
    /// The `name=value` items, in file order.
    public let options: [String]
    /// The X display the file ends with.
    public let display: Int

    /// Builds the options from the x_start parameters (last value of a duplicated key, as
    /// ``SessionParameters`` gives them) and the VMA configuration.
    public init(parameters: [String: String], configuration: NXAgentOptionsConfiguration) throws(NXAgentOptionsError) {
        guard NXAgentOptionsConfiguration.validDisplays.contains(configuration.display) else {
            throw .invalidConfiguration(
                key: "internal.nxagent.display", value: String(configuration.display),
                expected: "a display number from 0 to \(NXAgentOptionsConfiguration.validDisplays.upperBound)")
        }
        var options: [String] = []
        for option in NXAgentClientOption.allCases {
            let value: String
            if let given = parameters[option.parameterKey] {
                if given.isEmpty { continue }
                guard option.accepts(given) else {
                    throw .invalidValue(key: option.parameterKey, value: given, expected: option.expectedValues)
                }
                value = given
            } else if let configured = configuration.defaults[option] {
                if configured.isEmpty { continue }
                guard option.accepts(configured) else {
                    throw .invalidDefault(key: option.parameterKey, value: configured, expected: option.expectedValues)
                }
                value = configured
            } else {
                value = option.builtInDefault
            }
            options.append("\(option.optionName)=\(value)")
        }
        if configuration.audioEnabled { options.append("media=1") }
        if configuration.slaveEnabled { options.append("slave=1") }
        if !configuration.toleranceChecks.isEmpty {
            guard NXAgentOptionsConfiguration.toleranceCheckValues.contains(configuration.toleranceChecks) else {
                throw .invalidConfiguration(
                    key: "internal.vma.nxagent.tolerancechecks", value: configuration.toleranceChecks,
                    expected: "one of " + NXAgentOptionsConfiguration.toleranceCheckValues.joined(separator: ", ") + ", or empty")
            }
            options.append("tolerancechecks=\(configuration.toleranceChecks)")
        }
        if let raw = parameters[NXAgentExtraOptions.parameterKey] {
            options += try NXAgentExtraOptions(parsing: raw).renderedOptions
        }
        if configuration.printingEnabled, Self.isPerlTrue(parameters["qvd.client.printing.enabled"]) {
            let channel = parameters[NXAgentClientOption.os.parameterKey] == "windows" ? "smb" : "cups"
            options.append("\(channel)=\(configuration.printingPort)")
        }
        self.options = options
        self.display = configuration.display
    }

    /// The exact bytes of the options file, final LF included.
    public var fileContents: String {
        (["nx/nx"] + options).joined(separator: ",") + ":\(display)\n"
    }

    /// Perl truthiness of an optional string: defined, not empty and not `"0"`.
    static func isPerlTrue(_ value: String?) -> Bool {
        guard let value else { return false }
        return !value.isEmpty && value != "0"
    }
}
