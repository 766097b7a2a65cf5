/// Renders a component's table of defaults as `--help-config` text: keys grouped by their
/// first dot-separated part, each with its type, default and one-line description, then
/// the open key families and the environment variables. Plain text with a fixed layout,
/// so man pages can be generated from it.
///
///     vma.*
///       vma.audio.enable (boolean, default: 0)
///           Adds media=1 to the nxagent options and starts PulseAudio for the session.
public enum ConfigHelpRenderer {
    public static func render(_ table: ConfigDefaultsTable, file: String? = nil) -> String {
        var lines: [String] = []
        var heading = "Configuration keys of \(table.component)"
        if let file { heading += " (\(file))" }
        lines.append(heading)
        lines.append("Values may refer to other keys as ${other.key}. Keys marked \"added\" are not in upstream QVD.")

        var groups: [String: [ConfigKeyDefinition]] = [:]
        for definition in table.keys {
            groups[group(of: definition.key), default: []].append(definition)
        }
        for name in groups.keys.sorted() {
            lines.append("")
            lines.append("\(name).*")
            for definition in (groups[name] ?? []).sorted(by: { $0.key < $1.key }) {
                lines.append("  \(definition.key) (\(details(of: definition)))")
                lines.append("      \(definition.summary)")
            }
        }

        if !table.families.isEmpty {
            lines.append("")
            lines.append("Open key families (any key under these prefixes is accepted):")
            for family in table.families {
                lines.append("  \(family.pattern)")
                lines.append("      \(family.summary)")
            }
        }

        if !table.environmentVariables.isEmpty {
            lines.append("")
            lines.append("Environment variables (above the files, below the command line):")
            for variable in table.environmentVariables {
                lines.append("  \(variable.name) -> \(variable.key)")
                lines.append("      \(variable.summary)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func group(of key: String) -> String {
        key.split(separator: ".", maxSplits: 1).first.map(String.init) ?? key
    }

    private static func details(of definition: ConfigKeyDefinition) -> String {
        var parts = ["\(definition.kind)"]
        switch definition.defaultValue {
        case nil: parts.append("no default")
        case ""?: parts.append("default: empty")
        case let value?: parts.append("default: \(value)")
        }
        if definition.origin == .added { parts.append("added") }
        return parts.joined(separator: ", ")
    }
}
