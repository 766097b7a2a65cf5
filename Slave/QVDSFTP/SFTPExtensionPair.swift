/// One `(name, data)` pair of `SSH_FXP_VERSION`.
public struct SFTPExtensionPair: Sendable, Hashable {
    public var name: [UInt8]
    public var data: [UInt8]
    public init(name: [UInt8], data: [UInt8]) {
        self.name = name
        self.data = data
    }
    public init(name: String, data: String) {
        self.init(name: Array(name.utf8), data: Array(data.utf8))
    }
}
