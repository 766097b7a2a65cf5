/// One thing nxagent reported on its output, as recognised by ``NXAgentLogLineParser``.
///
/// These are the lines upstream's session monitor reacts to (`upstream-vma.md` §2.5), plus the
/// ones we recognise for logging only (`upstream-vma-observed.md` §4.10).
public enum NXAgentEvent: Equatable, Hashable, Sendable {
    /// `Session: <Word> session at '…'.` or `Session: Session <word> at '…'.`
    case session(NXAgentSessionEvent)
    /// `Info: Agent running with pid 'N'.`: the pid upstream writes to `nxagent.pid`.
    case agentPID(Int32)
    /// `Info: Waiting for connection from any host on socket 'tcp:*:PORT'.`: nxagent waits for
    /// the client's nxproxy on PORT (4000 + display). Upstream ignores it.
    case waitingForConnection(port: Int)
    /// `Info: Listening to slave connections on port 'tcp:localhost:N'.`: upstream starts USB
    /// forwarding here when `qvd.client.usb.enabled` (`upstream-vma.md` §2.5, §8).
    case listeningToSlaveConnections(port: Int)
    /// `Info: Listening to multimedia connections on port 'tcp:localhost:N'.`: upstream starts
    /// PulseAudio's tunnel sink here when `vma.audio.enable` (`upstream-vma.md` §7.1).
    case listeningToMultimediaConnections(port: Int)
    /// `Session: Display failure detected at '…'.`: upstream ignores it. Seen when TERM hits a
    /// session that is waiting for a client after a resume; nxagent then goes back to
    /// `suspended` (`upstream-vma-observed.md` §4.2).
    case displayFailure
}

/// The session events nxagent logs. The raw value is the internal state upstream writes to
/// `nxagent.state` for it: the lower-cased word of the line (`upstream-vma.md` §2.2, §2.5).
public enum NXAgentSessionEvent: String, CaseIterable, Hashable, Sendable {
    // "Session: <Word> session at"
    case starting
    case resuming
    case suspending
    case terminating
    case aborting
    // "Session: Session <word> at"
    case started
    case resumed
    case suspended
    case terminated
    case aborted
}
