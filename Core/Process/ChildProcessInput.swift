public import SystemPackage

/// Where a child's standard input comes from.
public enum ChildProcessInput: Sendable {
    /// `/dev/null`: the child reads end-of-file at once. The default, as hooks require
    /// (spec README, "deliberately differs" item 2).
    case null
    /// A descriptor the caller opened, such as one end of a socket pair. It becomes the
    /// child's descriptor 0; the caller's copy is closed after the spawn only when asked.
    case fileDescriptor(FileDescriptor, closeAfterSpawn: Bool = false)
    /// These bytes through a pipe, which is closed after the last byte.
    case bytes([UInt8])

    /// The UTF-8 bytes of `text` through a pipe.
    public static func text(_ text: String) -> Self {
        .bytes(Array(text.utf8))
    }
}
