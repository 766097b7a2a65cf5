/// Names of the `SSH_FXP_EXTENDED` requests this server implements, spelled and versioned
/// as OpenSSH advertises them in its `SSH_FXP_VERSION` (sshfs 3.7.3 looks for exactly these
/// name/version pairs before using them).
public enum SFTPExtension {
    public static let posixRename = "posix-rename@openssh.com"
    public static let statvfs = "statvfs@openssh.com"
    public static let fstatvfs = "fstatvfs@openssh.com"
    public static let hardlink = "hardlink@openssh.com"
    public static let fsync = "fsync@openssh.com"

    /// The `(name, version)` pairs sent in `SSH_FXP_VERSION`, in OpenSSH's order.
    public static let advertised: [(name: String, version: String)] = [
        (posixRename, "1"),
        (statvfs, "2"),
        (fstatvfs, "2"),
        (hardlink, "1"),
        (fsync, "1"),
    ]
}
