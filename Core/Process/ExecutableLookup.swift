#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Resolves a configured executable to the absolute path that will be executed, before
/// anything is spawned.
///
/// Done here rather than left to swift-subprocess because its error for an executable
/// that exists but cannot be run is the same "not found" as for a missing one (it tries
/// each PATH candidate and folds EACCES into ENOENT); resolving first lets
/// ``ChildProcessError`` name the exact path and the exact cause.
enum ExecutableLookup {
    /// The absolute path to execute, or why there is none.
    static func resolve(
        _ executable: String,
        workingDirectory: String?,
        pathVariable: String?
    ) -> Result<String, ChildProcessError> {
        func failure(_ kind: ChildProcessError.Kind, _ errno: Errno? = nil) -> Result<String, ChildProcessError> {
            .failure(ChildProcessError(executable: executable, kind: kind, errno: errno))
        }
        guard !executable.isEmpty else {
            return failure(.executableNotFound(searched: []))
        }
        guard !executable.utf8.contains(0) else {
            return failure(.invalidArgument("executable name (contains a NUL byte)"))
        }

        if executable.contains("/") {
            let path: String
            if executable.hasPrefix("/") {
                path = executable
            } else {
                // Relative to the directory the child will run in, as a shell's
                // `cd dir && ./tool` would be.
                let base = workingDirectory ?? currentDirectory()
                path = base.hasSuffix("/") ? base + executable : base + "/" + executable
            }
            switch check(path) {
            case .executable:
                return .success(path)
            case .missing(let errno):
                return failure(.executableNotFound(searched: []), errno)
            case .notRegular:
                return failure(.notARegularFile)
            case .notExecutable:
                return failure(.permissionDenied, .permissionDenied)
            }
        }

        let directories = (pathVariable ?? ChildProcessEnvironment.defaultPath)
            .split(separator: ":", omittingEmptySubsequences: true)
            .map(String.init)
            .filter { $0.hasPrefix("/") }
        var sawNonExecutable = false
        for directory in directories {
            let candidate = directory.hasSuffix("/") ? directory + executable : directory + "/" + executable
            switch check(candidate) {
            case .executable:
                return .success(candidate)
            case .notExecutable:
                sawNonExecutable = true
            case .missing, .notRegular:
                continue
            }
        }
        // Like execvp: a match that could not be executed is reported as such.
        if sawNonExecutable {
            return failure(.permissionDenied, .permissionDenied)
        }
        return failure(.executableNotFound(searched: directories))
    }

    enum Check {
        case executable
        case missing(Errno)
        case notRegular
        case notExecutable
    }

    static func check(_ path: String) -> Check {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return .missing(Errno(rawValue: errno))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            return .notRegular
        }
        guard access(path, X_OK) == 0 else {
            return .notExecutable
        }
        return .executable
    }

    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        return buffer.withUnsafeMutableBufferPointer { storage in
            guard getcwd(storage.baseAddress, storage.count) != nil, let base = storage.baseAddress else {
                return "/"
            }
            return String(cString: base)
        }
    }
}
