/// How hooks write durations: seconds with up to three decimals.
enum HookDurationText {
    /// `1`, `0.5`, `60`, `0.012`: trailing zeros dropped (for limits in messages).
    static func seconds(_ duration: Duration) -> String {
        let text = fixedSeconds(duration)
        var trimmed = Substring(text)
        while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
        if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }

    /// Always three decimals: `0.012`, `1.000` (for measured durations in log lines).
    static func fixedSeconds(_ duration: Duration) -> String {
        let parts = duration.components
        let milliseconds = max(0, parts.seconds * 1000 + (parts.attoseconds + 500_000_000_000_000) / 1_000_000_000_000_000)
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
