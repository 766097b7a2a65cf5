/// The sshfs command that mounts a client share on the VM (`upstream-slave-channel.md`
/// §2.2 A, after the 101): `sshfs qvd-client: <mount dir> -o <passive|slave> -o uid=U
/// -o gid=G <vma.sshfs.extra_args> [-o modules=iconv,from_code=<cs>,to_code=utf-8]`.
///
/// `qvd-client:` is a dummy host with an empty remote path (the SFTP server's starting
/// directory, i.e. the shared folder). sshfs in passive mode stays in the foreground and
/// speaks SFTP on its stdin/stdout — the slave stream — and exits (unmounting) when the
/// stream closes. Upstream also adds `-o atomic_o_trunc`; sshfs 3 refuses it, so here it
/// is added only for sshfs 2 and removed from the extra arguments for sshfs 3.
public struct SSHFSCommandLine: Sendable, Hashable {
    public var program: String
    public var arguments: [String]

    public init(program: String, mountPoint: String, flavour: SSHFSFlavour, userID: UInt32, groupID: UInt32,
                extraArguments: [String], upgrade: SlaveUpgrade) {
        self.program = program
        var arguments = ["qvd-client:", mountPoint, "-o", flavour.passiveOption]
        if flavour.knowsAtomicOTrunc { arguments += ["-o", "atomic_o_trunc"] }
        arguments += ["-o", "uid=\(userID)", "-o", "gid=\(groupID)"]
        arguments += Self.filtered(extraArguments, flavour: flavour)
        if upgrade.needsConversion, let charset = upgrade.charset {
            arguments += ["-o", "modules=iconv,from_code=\(charset),to_code=utf-8"]
        }
        self.arguments = arguments
    }

    /// The extra arguments without options the flavour does not know (`-o a,b` lists are
    /// filtered item by item; an emptied `-o` disappears).
    static func filtered(_ extra: [String], flavour: SSHFSFlavour) -> [String] {
        guard !flavour.knowsAtomicOTrunc else { return extra }
        var result: [String] = []
        var index = 0
        func keep(_ list: Substring) -> String {
            list.split(separator: ",").filter { $0 != "atomic_o_trunc" }.joined(separator: ",")
        }
        while index < extra.count {
            let word = extra[index]
            if word == "-o", index + 1 < extra.count {
                let kept = keep(Substring(extra[index + 1]))
                if !kept.isEmpty { result += ["-o", kept] }
                index += 2
                continue
            }
            if word.hasPrefix("-o"), word.count > 2 {
                let kept = keep(word.dropFirst(2))
                if !kept.isEmpty { result.append("-o" + kept) }
                index += 1
                continue
            }
            result.append(word)
            index += 1
        }
        return result
    }
}
