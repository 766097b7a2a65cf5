#if canImport(Glibc)
import Glibc
#endif

/// The `ls -l` style `longname` of a READDIR entry, laid out as OpenSSH's `ls_file` does
/// (mode, links, owner, group, size, date, name). Owner and group are numeric (OpenSSH
/// looks up names); sshfs and other clients parse the attributes, not this text.
enum SFTPLongName {
    static func format(name: [UInt8], status st: stat, now: time_t) -> [UInt8] {
        var text = modeString(UInt32(st.st_mode))
        text += " " + pad(String(UInt64(st.st_nlink)), left: 3)
        text += " " + pad(String(st.st_uid), right: 8)
        text += " " + pad(String(st.st_gid), right: 8)
        text += " " + pad(String(Int64(st.st_size)), left: 8)
        text += " " + date(st.st_mtim.tv_sec, now: now) + " "
        return Array(text.utf8) + name
    }

    private static func pad(_ s: String, left width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    private static func pad(_ s: String, right width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    /// `strmode(3)` output, including its trailing space.
    static func modeString(_ mode: UInt32) -> String {
        var c: [Character] = []
        switch mode & UInt32(S_IFMT) {
        case UInt32(S_IFDIR): c.append("d")
        case UInt32(S_IFLNK): c.append("l")
        case UInt32(S_IFCHR): c.append("c")
        case UInt32(S_IFBLK): c.append("b")
        case UInt32(S_IFIFO): c.append("p")
        case UInt32(S_IFSOCK): c.append("s")
        default: c.append("-")
        }
        func bit(_ mask: UInt32, _ ch: Character) -> Character { mode & mask != 0 ? ch : "-" }
        c.append(bit(0o400, "r"))
        c.append(bit(0o200, "w"))
        c.append(special(mode & 0o100 != 0, mode & 0o4000 != 0, "s", "S"))
        c.append(bit(0o040, "r"))
        c.append(bit(0o020, "w"))
        c.append(special(mode & 0o010 != 0, mode & 0o2000 != 0, "s", "S"))
        c.append(bit(0o004, "r"))
        c.append(bit(0o002, "w"))
        c.append(special(mode & 0o001 != 0, mode & 0o1000 != 0, "t", "T"))
        c.append(" ")
        return String(c)
    }

    private static func special(_ execute: Bool, _ set: Bool, _ both: Character, _ only: Character) -> Character {
        switch (execute, set) {
        case (true, true): return both
        case (false, true): return only
        case (true, false): return "x"
        case (false, false): return "-"
        }
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `%b %e %H:%M` for the last six months, `%b %e  %Y` otherwise, in local time.
    private static func date(_ seconds: time_t, now: time_t) -> String {
        var t = seconds
        var parts = tm()
        guard localtime_r(&t, &parts) != nil else { return "" }
        let month = months[Int(parts.tm_mon) % 12]
        let day = parts.tm_mday < 10 ? " \(parts.tm_mday)" : "\(parts.tm_mday)"
        if now - (365 * 24 * 60 * 60) / 2 < seconds && now >= seconds {
            let hour = parts.tm_hour < 10 ? "0\(parts.tm_hour)" : "\(parts.tm_hour)"
            let minute = parts.tm_min < 10 ? "0\(parts.tm_min)" : "\(parts.tm_min)"
            return "\(month) \(day) \(hour):\(minute)"
        }
        return "\(month) \(day)  \(parts.tm_year + 1900)"
    }
}
