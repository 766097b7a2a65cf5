#if canImport(Glibc)
import Glibc
#endif

/// A POSIX signal, named the way `kill -l`, logs and people name it (`SIGHUP`, `SIGKILL`).
///
/// Used to signal children (``ChildProcessHandle/signal(_:to:)``) and to report how a
/// child died (``ChildProcessStatus/signalled(_:)``), so an exit status always reads
/// "killed by SIGKILL", never "signal 9".
public struct ProcessSignal: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The platform's signal number.
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    public static let hangup = ProcessSignal(rawValue: SIGHUP)
    public static let interrupt = ProcessSignal(rawValue: SIGINT)
    public static let quit = ProcessSignal(rawValue: SIGQUIT)
    public static let abort = ProcessSignal(rawValue: SIGABRT)
    public static let kill = ProcessSignal(rawValue: SIGKILL)
    public static let user1 = ProcessSignal(rawValue: SIGUSR1)
    public static let segmentationFault = ProcessSignal(rawValue: SIGSEGV)
    public static let user2 = ProcessSignal(rawValue: SIGUSR2)
    public static let pipe = ProcessSignal(rawValue: SIGPIPE)
    public static let alarm = ProcessSignal(rawValue: SIGALRM)
    public static let terminate = ProcessSignal(rawValue: SIGTERM)
    public static let child = ProcessSignal(rawValue: SIGCHLD)
    public static let `continue` = ProcessSignal(rawValue: SIGCONT)
    public static let stop = ProcessSignal(rawValue: SIGSTOP)
    public static let terminalStop = ProcessSignal(rawValue: SIGTSTP)

    /// Every signal with a conventional name, in signal-number order on Linux.
    static let namedSignals: [(number: Int32, name: String)] = [
        (SIGHUP, "SIGHUP"), (SIGINT, "SIGINT"), (SIGQUIT, "SIGQUIT"), (SIGILL, "SIGILL"),
        (SIGTRAP, "SIGTRAP"), (SIGABRT, "SIGABRT"), (SIGBUS, "SIGBUS"), (SIGFPE, "SIGFPE"),
        (SIGKILL, "SIGKILL"), (SIGUSR1, "SIGUSR1"), (SIGSEGV, "SIGSEGV"), (SIGUSR2, "SIGUSR2"),
        (SIGPIPE, "SIGPIPE"), (SIGALRM, "SIGALRM"), (SIGTERM, "SIGTERM"), (SIGSTKFLT, "SIGSTKFLT"),
        (SIGCHLD, "SIGCHLD"), (SIGCONT, "SIGCONT"), (SIGSTOP, "SIGSTOP"), (SIGTSTP, "SIGTSTP"),
        (SIGTTIN, "SIGTTIN"), (SIGTTOU, "SIGTTOU"), (SIGURG, "SIGURG"), (SIGXCPU, "SIGXCPU"),
        (SIGXFSZ, "SIGXFSZ"), (SIGVTALRM, "SIGVTALRM"), (SIGPROF, "SIGPROF"), (SIGWINCH, "SIGWINCH"),
        (SIGIO, "SIGIO"), (SIGPWR, "SIGPWR"), (SIGSYS, "SIGSYS"),
    ]

    /// The conventional name (`SIGTERM`); `SIG<number>` for signals without one
    /// (the real-time range).
    public var name: String {
        for entry in Self.namedSignals where entry.number == rawValue {
            return entry.name
        }
        return "SIG\(rawValue)"
    }

    /// Parses `SIGHUP`, `HUP`, `hup` or a number such as `1`, as configuration files and
    /// command lines spell signals. Returns `nil` for anything else.
    public init?(name: String) {
        if let number = Int32(name), number > 0, number < 65 {
            self.init(rawValue: number)
            return
        }
        var upper = name.uppercased()
        if !upper.hasPrefix("SIG") {
            upper = "SIG" + upper
        }
        guard let entry = Self.namedSignals.first(where: { $0.name == upper }) else {
            return nil
        }
        self.init(rawValue: entry.number)
    }

    public var description: String { name }
}
