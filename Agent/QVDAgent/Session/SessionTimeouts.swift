import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How long the session may stay in each transient state, in seconds (`upstream-vma.md` §2.3,
/// §9.2; the keys are those of Core's VMA configuration table).
///
/// A state that outlives its limit is stopped: TERM to nxagent (or to the launcher, or the
/// start step in progress is cancelled), then KILL once ``stopping`` more seconds have passed.
/// Upstream keys the table by the *reported* state but names the `starting` entry
/// `initiating`, so `starting` and `provisioning` never time out; both do here (`README.md`,
/// deliberate difference 3).
public struct SessionTimeouts: Equatable, Sendable {
    /// `internal.nxagent.timeout.starting` (ours, 90 s): reported `starting`, from x_start
    /// until nxagent's "Starting"/"Resuming" line. It covers the connect hook
    /// (`vma.hook.timeout`, 60 s) and nxagent's start-up. Upstream's
    /// `internal.nxagent.timeout.initiating` (20 s) was never applied and is not used.
    public var starting: TimeInterval
    /// `internal.nxagent.timeout.provisioning` (ours, 600 s: a first home-disk `mkfs` can be
    /// slow, and the L7R waits on `provisioning` without limit). Runs from `provisioning` until
    /// nxagent's first line, as upstream keeps that state until then.
    public var provisioning: TimeInterval
    /// `internal.nxagent.timeout.listening` (10 s): waiting for the client's nxproxy.
    public var listening: TimeInterval
    /// `internal.nxagent.timeout.suspending` (20 s).
    public var suspending: TimeInterval
    /// `internal.nxagent.timeout.stopping` (20 s): how long nxagent may be `stopping`, by itself
    /// or after our TERM, before it gets KILL.
    public var stopping: TimeInterval
    /// Built in (5 s), no key: once the session has ended, how long xinit and the X session may
    /// linger before they get TERM (then KILL after ``stopping``). xinit was seen lingering
    /// about 3 s after an aborted session (`upstream-vma-observed.md` §4.1).
    public var launcherExit: TimeInterval

    public init(starting: TimeInterval = 90, provisioning: TimeInterval = 600, listening: TimeInterval = 10,
                suspending: TimeInterval = 20, stopping: TimeInterval = 20, launcherExit: TimeInterval = 5) {
        self.starting = starting
        self.provisioning = provisioning
        self.listening = listening
        self.suspending = suspending
        self.stopping = stopping
        self.launcherExit = launcherExit
    }

    /// The limit for a reported state; `nil` for states that may last (stopped, connected,
    /// suspended).
    public func limit(for state: ReportedSessionState) -> TimeInterval? {
        switch state {
        case .starting: starting
        case .provisioning: provisioning
        case .listening: listening
        case .suspending: suspending
        case .stopping: stopping
        case .stopped, .connected, .suspended: nil
        }
    }

    /// Seconds between a TERM and the KILL that follows if nxagent has not stopped.
    public var killAfterTerm: TimeInterval { stopping }
}
