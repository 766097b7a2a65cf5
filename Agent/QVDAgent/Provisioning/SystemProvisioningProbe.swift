#if canImport(Glibc)
import Glibc
#endif
import QVDCore

/// ``ProvisioningProbe`` over `stat(2)` and the user database (``UserAccount/lookup(name:)``).
public struct SystemProvisioningProbe: ProvisioningProbe {
    public init() {}

    public func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    public func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    public func deviceID(of path: String) -> UInt64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return UInt64(info.st_dev)
    }

    public func userExists(_ name: String) throws(UserAccount.LookupError) -> Bool {
        do {
            _ = try UserAccount.lookup(name: name)
            return true
        } catch {
            // getpwnam_r(3): "not found" is 0 with no record, but some NSS modules answer
            // ENOENT or ESRCH instead.
            guard let errno = error.errno, errno.rawValue != ENOENT, errno.rawValue != ESRCH else { return false }
            throw error
        }
    }

    public func pause(_ duration: Duration) async {
        try? await Task.sleep(for: duration)
    }
}
