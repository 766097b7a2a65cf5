/// Renders the effective configuration for `qvd-vma --check-config`: the layers read,
/// then every key with its expanded value and where it came from, then every problem.
/// Secrets (per the schema) are printed as `********`.
///
///     # layers: built-in defaults (qvd-vma); /etc/qvd/vma.conf; environment; command line
///     internal.vm.port.vma = 3030  (built-in default)
///     log.filename = /srv/log/qvd.log  (built-in default; from ${path.log}/qvd.log)
///     vma.slave.enable = 1  (/etc/qvd/vma.conf:3)
///     warning: /etc/qvd/vma.conf:9: unknown key 'vma.slave.enabel' is ignored; did you mean 'vma.slave.enable'?
public enum ConfigCheckRenderer {
    /// The text, and whether it found errors (the program should then exit non-zero).
    public static func render(_ configuration: Configuration) -> (text: String, hasErrors: Bool) {
        var lines: [String] = []
        let layers = configuration.layers.map { layer -> String in
            switch layer.kind {
            case .defaults: return "built-in defaults (\(layer.name))"
            case .systemFile, .userFile: return layer.isPresent ? layer.name : "\(layer.name) (not present)"
            case .environment, .commandLine: return layer.name
            }
        }
        lines.append("# layers, lowest first: " + layers.joined(separator: "; "))

        var failures: Set<String> = []
        for key in configuration.keys {
            do throws(ConfigError) {
                guard let value = try configuration.value(key) else { continue }
                let secret = configuration.schema?.isSecret(key) ?? false
                let shown = secret && !value.value.isEmpty ? "********" : value.value
                var origin = "\(value.source)"
                if value.raw != value.value && !secret { origin += "; from \(value.raw)" }
                lines.append("\(key) = \(shown)  (\(origin))")
            } catch {
                failures.insert(key)
                lines.append("\(key): not usable (see the errors below)")
            }
        }

        let errors = configuration.validate()
        for warning in configuration.warnings {
            lines.append("warning: \(warning)")
        }
        for error in errors {
            lines.append("error: \(error)")
        }
        return (lines.joined(separator: "\n") + "\n", !errors.isEmpty || !failures.isEmpty)
    }
}
