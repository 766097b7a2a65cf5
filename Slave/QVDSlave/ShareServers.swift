import Logging

/// The ``ShareServing`` the programs use: the confined in-process server
/// (``ConfinedShareServer``, `QVDSFTP`). ``OpenSSHShareServer`` (upstream's unconfined
/// `sftp-server`) stays available for comparisons and benchmarks only.
public enum ShareServers {
    public static func preferred(logger: Logger) -> any ShareServing {
        ConfinedShareServer(logger: logger)
    }
}
