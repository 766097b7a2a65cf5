import QVDHooks

/// Something the shell must do, in the order given. Most complete at once; the ones that take
/// time report back with a ``SessionEvent`` (named below).
public enum SessionAction: Equatable, Sendable {
    /// Replace `nxagent.state` with ``SessionStateRecord/fileContents`` (temp file + rename,
    /// mode ``SessionStateFiles/stateFileMode``).
    case writeStateFile(SessionStateRecord)
    /// Write `nxagent.pid` (``SessionStateFiles/pidFileContents(_:)``). The shell should also
    /// open a pidfd for it now, check `/proc/<pid>/exe` is nxagent, signal through that pidfd
    /// (no pid-reuse accidents) and report ``SessionEvent/agentProcessGone`` when it exits.
    case writePIDFile(Int32)
    /// Delete `nxagent.state` and `nxagent.pid`.
    case removeStateFiles
    /// Replace the nxagent options file with this content (``NXAgentOptions/fileContents``).
    case writeOptionsFile(String)
    /// Before (re)starting: write `slave.conf` (the slave key, 0600 for the desktop user) and
    /// `printing.conf`, run `timedatectl set-timezone <qvd.client.timezone>`. Failures are only
    /// logged (`upstream-vma.md` §2.4 step 3).
    case prepareSession(SessionParameters)
    /// Fresh start: run provisioning (`upstream-vma.md` §5): mount_home / add_user /
    /// after_add_user hooks or the built-in steps. Report ``SessionEvent/provisioningStarted``
    /// when there is real work, then ``SessionEvent/provisioningFinished`` or
    /// ``SessionEvent/provisioningFailed(message:)``.
    case provisionUser(SessionParameters)
    /// Stop the provisioning step or connect hook now running for a fresh start (kill its
    /// process group); it then reports its failure as usual. Sent when `starting` or
    /// `provisioning` times out before xinit runs.
    case cancelLaunchStep
    /// Start xinit with `arguments` as the desktop user named in `parameters`, with the session
    /// environment (`upstream-vma.md` §3.3), its own process group, output read line by line.
    /// Report ``SessionEvent/launcherExited(status:)`` when it exits (also if it cannot start).
    case launchSession(arguments: [String], parameters: SessionParameters)
    /// Send a signal to nxagent.
    case signalAgent(pid: Int32, SessionSignal)
    /// Send a signal to the launcher's process group (xinit and the X session).
    case signalLauncher(SessionSignal)
    /// Run an action hook; if ``SessionHookRun/awaitsResult``, report its result.
    case runActionHook(SessionHookRun)
    /// Run a state hook detached (and the printing hook when printing is enabled).
    case runStateHook(HookEvent.SessionState)
    /// Answer an RPC caller.
    case reply(SessionRequestID, SessionReply)
    /// Lazily unmount the client's shares under `vma.user.shares.path` and remove the mount
    /// directories (on `suspended` and on stop; `README.md`, deliberate difference 3).
    case unmountShares
    /// Stop the session's PulseAudio (on `suspended` and on stop, `upstream-vma.md` §7.1).
    case stopAudio
    /// nxagent listens for slave connections on `port`: start USB forwarding if
    /// `qvd.client.usb.enabled` (`upstream-vma.md` §2.5, §8).
    case slaveChannelListening(port: Int)
    /// nxagent listens for multimedia on `port`: start PulseAudio or re-add its tunnel sink if
    /// `vma.audio.enable` (`upstream-vma.md` §7.1).
    case multimediaChannelListening(port: Int)
    /// Write a line to the VMA's log.
    case log(SessionLogMessage)
}
