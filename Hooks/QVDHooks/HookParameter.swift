/// One `key value` pair of a hook's argv (`upstream-vma.md §4.2`): a call parameter such
/// as `qvd.vm.user.name qvdtest`, or a trailer item such as `qvd.hook.on_action connect`.
public struct HookParameter: Sendable, Hashable, CustomStringConvertible {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }

    public var description: String { "\(key)=\(value)" }
}
