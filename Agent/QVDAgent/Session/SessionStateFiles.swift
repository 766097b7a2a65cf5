/// Where the session's files live under `path.run`, their formats and the modes we write
/// (`upstream-vma.md` §2.1, §3.2, §8; `upstream-vma-observed.md` §3).
///
/// | file | content | upstream mode | our mode |
/// |---|---|---|---|
/// | `nxagent.state` | `<nxstate>:<epoch>` LF (``SessionStateRecord``) | 01204 | 0644 |
/// | `nxagent.pid` | nxagent's pid, LF | 01204 | 0644 |
/// | `nxagent.conf` | ``NXAgentOptions/fileContents`` | 0644 | 0644 |
/// | `slave.conf` | `qvd.slave.key`, no LF | 0644 | 0600, owned by the desktop user |
/// | `printing.conf` | properties | 0644 | 0644 |
/// | run directory | | 0755 | 0755 |
///
/// Why: upstream passes the decimal number 644 where it meant octal, which gives
/// `--w----r-T` (01204): not readable by group, sticky bit on a plain file. Tools only need
/// the state and pid to be world-readable, so 0644 (what upstream meant, and what the spec
/// recommends). `slave.conf` holds the slave key, a secret (`README.md`, deliberate
/// difference 4): 0600, and owned by the desktop user because the slave server, which reads it,
/// runs as that user under nxagent. On a fresh start it is written (``SessionAction/prepareSession(_:)``)
/// before provisioning may create that user, so write it root-owned there and hand it to the
/// user when launching. `nxagent.conf` holds no secret and nxagent reads it as
/// the desktop user, so it stays 0644. The vma-diff transcripts print these modes: the state,
/// pid and slave.conf modes differ from the recording in every step that lists run-dir files.
/// State, pid, options, slave and printing files are written to a temporary file in the same
/// directory and renamed into place, so a reader never sees half a line.
public struct SessionStateFiles: Equatable, Sendable {
    /// `path.run`, default `/var/run/qvd`.
    public var runDirectory: String
    /// `internal.vma.nxagent.config`, default `${path.run}/nxagent.conf`.
    public var optionsFilePath: String
    /// `internal.vma.slave.config`, default `${path.run}/slave.conf`.
    public var slaveConfigPath: String
    /// `internal.vma.printing.config`, default `${path.run}/printing.conf`.
    public var printingConfigPath: String

    public init(runDirectory: String = "/var/run/qvd", optionsFilePath: String? = nil,
                slaveConfigPath: String? = nil, printingConfigPath: String? = nil) {
        let base = runDirectory.hasSuffix("/") ? String(runDirectory.dropLast()) : runDirectory
        self.runDirectory = base
        self.optionsFilePath = optionsFilePath ?? base + "/" + Self.optionsFileName
        self.slaveConfigPath = slaveConfigPath ?? base + "/" + Self.slaveConfigFileName
        self.printingConfigPath = printingConfigPath ?? base + "/" + Self.printingConfigFileName
    }

    public static let stateFileName = "nxagent.state"
    public static let pidFileName = "nxagent.pid"
    public static let optionsFileName = "nxagent.conf"
    public static let slaveConfigFileName = "slave.conf"
    public static let printingConfigFileName = "printing.conf"

    /// `${path.run}/nxagent.state`.
    public var stateFilePath: String { runDirectory + "/" + Self.stateFileName }
    /// `${path.run}/nxagent.pid`.
    public var pidFilePath: String { runDirectory + "/" + Self.pidFileName }

    public static let stateFileMode: UInt16 = 0o644
    public static let pidFileMode: UInt16 = 0o644
    public static let optionsFileMode: UInt16 = 0o644
    public static let slaveConfigMode: UInt16 = 0o600
    public static let printingConfigMode: UInt16 = 0o644
    public static let runDirectoryMode: UInt16 = 0o755
    /// What upstream really creates the state and pid files with (decimal 644 = octal 1204).
    /// Not used; kept to document the difference.
    public static let upstreamStateFileMode: UInt16 = 0o1204

    /// `nxagent.pid`'s content: the pid and LF (upstream writes it with Perl's `say`).
    public static func pidFileContents(_ pid: Int32) -> String { "\(pid)\n" }

    /// The pid in a `nxagent.pid` file's content, if it holds a positive decimal number.
    public static func parsePIDFile(_ contents: String) -> Int32? {
        let line = contents.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let digits = line.trimmingASCIIBlanks()
        guard (1...10).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let pid = Int32(digits), pid > 0 else { return nil }
        return pid
    }
}
