/// Something that happened, fed to ``SessionStateMachine/handle(_:at:)`` with the time it
/// happened. The shell turns RPCs, nxagent's output, child processes and hook results into
/// these events.
public enum SessionEvent: Equatable, Sendable {
    /// RPC `x_start` with its parameters (defaults of `upstream-vma.md` §5.1 already filled).
    case xStart(SessionRequestID, SessionParameters)
    /// RPC `x_suspend` (its parameters are unused, as upstream).
    case xSuspend(SessionRequestID)
    /// RPC `x_stop` (its parameters are unused, as upstream).
    case xStop(SessionRequestID)
    /// RPC `x_state`. Not read-only: like upstream it applies timeouts first (`upstream-vma.md` §2.3).
    case xState(SessionRequestID)
    /// A parsed line of nxagent's output (``NXAgentLogLineParser``).
    case nxagent(NXAgentEvent)
    /// An awaited action hook exited 0 (or is not configured).
    case hookFinished(SessionHookRunID)
    /// An awaited action hook failed (non-zero exit, timeout, cannot run). `message` is what the
    /// RPC caller reads, e.g. "hook /path for action pre_connect on state stopped failed, rc: 1".
    case hookFailed(SessionHookRunID, message: String)
    /// Provisioning found work to do (home to mount or user to create) and began it: the
    /// `provisioning` state becomes visible (`upstream-vma.md` §5.2-5.3).
    case provisioningStarted
    /// Provisioning is done, or there was nothing to do.
    case provisioningFinished
    /// Provisioning failed; `message` says what (it is logged; the caller already has "starting").
    case provisioningFailed(message: String)
    /// The X session launcher (xinit) exited; `status` is its exit status, `nil` if it could
    /// not be started or was killed by a signal.
    case launcherExited(status: Int32?)
    /// The nxagent whose pid the state machine holds no longer exists. The shell should watch
    /// the pid (pidfd) and send this promptly: the fault test wants `stopped` within 2 s of a
    /// SIGKILL.
    case agentProcessGone
    /// Time passed. Applies timeouts and the TERM→KILL escalation; send one at
    /// ``SessionStateMachine/nextDeadline`` or simply every second.
    case tick
}
