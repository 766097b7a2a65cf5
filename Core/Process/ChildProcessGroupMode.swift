/// Which process group (and session) a child joins.
public enum ChildProcessGroupMode: Sendable, Hashable {
    /// Stay in our process group. The child cannot be signalled as a group and a timeout
    /// kills only the child itself, so use this only for children that must share our
    /// terminal's job control.
    case inherit
    /// A new process group led by the child (`setpgid(0, 0)`): a timeout or
    /// ``ChildProcessHandle/terminate(grace:)`` reaches every process it started.
    /// The default.
    case newGroup
    /// A new session (`setsid`), which is also a new group, detached from any controlling
    /// terminal: for the long-lived X session, which must survive the agent's restart
    /// (spec README "deliberately differs" item 1) and, as upstream's monitor ensures with
    /// `setpgrp`, must not receive signals sent to the agent's group (`upstream-vma.md §10`).
    case newSession
}
