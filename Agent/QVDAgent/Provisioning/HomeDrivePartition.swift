/// The device name of the home drive's first partition.
///
/// Upstream appends `1` (`/dev/vdb` → `/dev/vdb1`; `upstream-vma.md` §5.2). Linux names the
/// partitions of a disk whose name ends in a digit with a `p` (`/dev/loop0p1`,
/// `/dev/nvme0n1p1`, `/dev/mmcblk0p1`), so both names are candidates, the kernel's own scheme
/// first, and provisioning uses whichever exists.
public enum HomeDrivePartition {
    /// The possible names of partition 1 of `drive`, the likelier first.
    public static func candidates(for drive: String) -> [String] {
        let plain = drive + "1"
        let withP = drive + "p1"
        if let last = drive.last, last.isASCII, last.isWholeNumber {
            return [withP, plain]
        }
        return [plain, withP]
    }
}
