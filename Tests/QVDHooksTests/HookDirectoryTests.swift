import Foundation
import Testing
@testable import QVDHooks

@Suite struct HookDirectoryTests {
    @Test func pathOfTheFolder() {
        #expect(HookDirectory(directory: "/etc/qvd/hooks", event: .action(.connect)).path == "/etc/qvd/hooks/vma.on_action.connect.d")
        #expect(HookDirectory(directory: "/etc/qvd/hooks/", event: .state(.stopped)).path == "/etc/qvd/hooks/vma.on_state.disconnected.d")
        #expect(HookDirectory(directory: "/x", event: .provisioning(.mountHome)).path == "/x/vma.on_provisioning.mount_home.d")
    }

    @Test func candidateNames() {
        for name in ["10-mount", "20-notify.sh", "a", "Z_9", "hook.py"] {
            #expect(HookDirectory.isCandidateName(name), "\(name)")
        }
        for name in ["", ".hidden", ".", "10-mount~", "10-mount.dpkg-old", "x.dpkg-dist", "x.dpkg-new", "x.dpkg-tmp"] {
            #expect(!HookDirectory.isCandidateName(name), "\(name)")
        }
    }

    @Test func listsExecutablesInByteOrderAndSkipsTheRest() throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let folder = HookDirectory(directory: temp.path, event: .action(.connect))
        _ = try temp.makeDirectory("vma.on_action.connect.d")
        let base = "vma.on_action.connect.d/"
        try temp.script(base + "20-b", "exit 0")
        try temp.script(base + "10-a", "exit 0")
        try temp.script(base + "B-upper", "exit 0")
        try temp.script(base + "15-not-executable", "exit 0", mode: 0o644)
        try temp.script(base + "30-c~", "exit 0")
        try temp.script(base + ".hidden", "exit 0")
        try temp.script(base + "40-d.dpkg-old", "exit 0")
        _ = try temp.makeDirectory(base + "50-subdir")
        try FileManager.default.createSymbolicLink(atPath: temp.file(base + "60-link"), withDestinationPath: temp.file(base + "10-a"))
        try FileManager.default.createSymbolicLink(atPath: temp.file(base + "70-dangling"), withDestinationPath: temp.file("nowhere"))

        let listing = folder.list()
        #expect(listing.executables == ["10-a", "20-b", "60-link", "B-upper"].map { folder.path + "/" + $0 })
        #expect(listing.skipped == [
            HookDirectory.SkippedEntry(path: folder.path + "/15-not-executable", reason: .notExecutable),
            HookDirectory.SkippedEntry(path: folder.path + "/50-subdir", reason: .notARegularFile),
        ])
    }

    @Test func aMissingFolderHoldsNothing() {
        let listing = HookDirectory(directory: "/nonexistent-qvd-hooks-dir", event: .action(.stop)).list()
        #expect(listing.executables.isEmpty)
        #expect(listing.skipped.isEmpty)
    }
}
