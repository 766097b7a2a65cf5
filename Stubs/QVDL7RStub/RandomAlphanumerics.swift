/// Random strings of `[A-Za-z0-9]` from the system CSPRNG (`SystemRandomNumberGenerator`:
/// `getrandom(2)` on Linux, `arc4random` on Darwin). Used for slave keys (upstream's
/// `generate_slave_key`, 64 characters, `upstream-l7r-protocol.md` §5.3) and salts.
public enum RandomAlphanumerics {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// `count` characters, each uniformly drawn.
    public static func make(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for _ in 0..<count {
            bytes.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A QVD slave key: 64 alphanumerics.
    public static func slaveKey() -> String {
        make(count: 64)
    }
}
