/// What is at a share's mount directory.
public enum ShareMountState: String, Sendable, Hashable, Codable {
    /// An sshfs (or other) file system is mounted there.
    case mounted
    /// A plain empty-or-not directory: nothing mounted.
    case idle
    /// A FUSE mount whose server died ("Transport endpoint is not connected").
    case stale
}
