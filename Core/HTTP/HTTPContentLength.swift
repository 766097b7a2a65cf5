/// Reading `Content-Length` values: plain decimal digits only, at most 18 of them (so the
/// number always fits an `Int`), no sign, no blanks inside.
enum HTTPContentLength {
    static func parse(_ value: String) -> Int? {
        let bytes = value.utf8
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var result = 0
        for byte in bytes {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            result = result * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return result
    }
}
