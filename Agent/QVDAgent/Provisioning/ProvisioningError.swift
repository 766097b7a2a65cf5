import QVDCore

/// Why provisioning (`upstream-vma.md` §5) failed; the fresh start is then abandoned and the
/// session goes to `stopped`, with this description in the log.
public indirect enum ProvisioningError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A built-in step's command failed.
    case commandFailed(ProvisioningStep, ProvisioningCommandFailure)
    /// `sfdisk` succeeded but none of the partition devices appeared, even after `partx -a`.
    case partitionNotFound(drive: String, candidates: [String])
    /// A configured provisioning hook failed; `message` is the hook runner's error.
    case hookFailed(ProvisioningHookStage, message: String)
    /// The user database could not say whether the user exists.
    case userLookupFailed(UserAccount.LookupError)
    /// Adding the user failed (`useradd` or the `after_add_user` hook) and the user was rolled
    /// back; `rollbackFailures` are the rollback commands that failed in turn.
    case userRolledBack(user: String, cause: ProvisioningError, rollbackFailures: [ProvisioningCommandFailure])

    public var description: String {
        switch self {
        case .commandFailed(let step, let failure):
            return "cannot \(step): \(failure)"
        case .partitionNotFound(let drive, let candidates):
            return "partitioned the home drive \(drive), but no partition device appeared (looked for \(candidates.joined(separator: ", "))): the kernel did not pick up the new partition table; check the drive (for a loop device, attach it with 'losetup --partscan')"
        case .hookFailed(let stage, let message):
            return "provisioning hook \(stage.configurationKey) failed: \(message)"
        case .userLookupFailed(let error):
            return "cannot tell whether the user exists: \(error)"
        case .userRolledBack(let user, let cause, let rollbackFailures):
            var text = "provisioning of user '\(user)' failed and was rolled back: \(cause)"
            if !rollbackFailures.isEmpty {
                text += "; rollback steps that failed: " + rollbackFailures.map(\.description).joined(separator: "; ")
            }
            return text
        }
    }
}
