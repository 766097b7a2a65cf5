/// How `Configuration.list(_:style:)` splits a value into items.
public enum ConfigListStyle: Sendable, Hashable {
    /// Comma-separated, each item trimmed, empty items dropped
    /// (`client.usb.share_list = 0441:0012, 1234:5678@1`).
    case commas
    /// Whitespace-separated.
    case whitespace
    /// Commas and/or whitespace (`vma.slave.export_roots = /srv, /data /mnt`).
    case commasOrWhitespace
    /// Shell-style words: `'…'` and `"…"` quote, a backslash escapes the next character;
    /// no globbing and no variables (upstream's Perl `glob` would expand wildcards).
    /// For `command.*.args.extra` and `*.extra_args`.
    case shellWords
}
