#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A wall-clock instant with millisecond precision, as written at the start of a log line.
///
/// Log lines use **UTC** (`2024-05-01T12:51:30.123Z`): it sorts as text, never repeats an
/// hour at a DST change, and needs no time-zone database inside a minimal VM image.
public struct LogTimestamp: Sendable, Hashable {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public var secondsSinceEpoch: Int64
    /// 0...999.
    public var milliseconds: Int

    public init(secondsSinceEpoch: Int64, milliseconds: Int) {
        self.secondsSinceEpoch = secondsSinceEpoch
        self.milliseconds = min(max(milliseconds, 0), 999)
    }

    /// The current time from `CLOCK_REALTIME`.
    public static func now() -> LogTimestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return LogTimestamp(secondsSinceEpoch: Int64(spec.tv_sec), milliseconds: Int(spec.tv_nsec / 1_000_000))
    }

    /// ISO-8601 in UTC with milliseconds: `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public var iso8601UTC: String {
        var seconds = time_t(secondsSinceEpoch)
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else {
            return "\(secondsSinceEpoch).\(Self.pad(milliseconds, 3))Z"
        }
        return Self.pad(Int(parts.tm_year) + 1900, 4) + "-" + Self.pad(Int(parts.tm_mon) + 1, 2) + "-"
            + Self.pad(Int(parts.tm_mday), 2) + "T" + Self.pad(Int(parts.tm_hour), 2) + ":"
            + Self.pad(Int(parts.tm_min), 2) + ":" + Self.pad(Int(parts.tm_sec), 2) + "."
            + Self.pad(milliseconds, 3) + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
