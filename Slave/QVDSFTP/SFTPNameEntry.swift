/// One entry of `SSH_FXP_NAME`: the file name, the `ls -l` style long name, and attributes.
public struct SFTPNameEntry: Sendable, Hashable {
    public var filename: [UInt8]
    public var longname: [UInt8]
    public var attributes: SFTPAttributes
    public init(filename: [UInt8], longname: [UInt8], attributes: SFTPAttributes) {
        self.filename = filename
        self.longname = longname
        self.attributes = attributes
    }
}
