#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small file-system checks without Foundation.
enum FileCheck {
    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    static func isExecutable(_ path: String) -> Bool {
        access(path, X_OK) == 0
    }
}

extension FileCheck {
    /// `write(2)` of the whole buffer once; returns the count written or -1.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        #if canImport(Glibc)
        Glibc.write(fd, bytes.baseAddress, bytes.count)
        #else
        Darwin.write(fd, bytes.baseAddress, bytes.count)
        #endif
    }
}
